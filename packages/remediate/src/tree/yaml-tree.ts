/**
 * TreeDoc over the `yaml` package's Document API. Values are read from the parsed nodes; edits are computed from the
 * nodes' source ranges and applied to the original text, never by re-serialising the document, so everything outside
 * the edited value (comments, order, quoting, anchors, blank lines) stays byte for byte.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parse,
  parseAllDocuments,
  Scalar,
  stringify,
} from 'yaml';
import { indentAt, lineAt, lineEnd, lineStart, type TextEdit } from '../text-edit.ts';
import { EditError, isRecord, type Path, type TreeDoc } from './types.ts';

export interface ParsedYaml {
  docs: YamlTree[];
  /** Parse errors (warnings such as unknown tags are not errors). */
  errors: string[];
}

/** Parses every document of a YAML file. */
export function parseYaml(path: string, text: string): ParsedYaml {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  const errors = list.flatMap((document) => document.errors.map((error) => error.message));
  if (!Array.isArray(documents)) errors.push('not a YAML stream');
  return { docs: list.map((document, index) => new YamlTree(path, index, text, document)), errors };
}

/** `!Ref X` → `{ Ref: X }`, `!GetAtt a.b` → `{ 'Fn::GetAtt': ['a', 'b'] }`, `!Sub s` → `{ 'Fn::Sub': s }`. */
function intrinsicKey(tag: string | undefined): string | undefined {
  if (!tag?.startsWith('!') || tag.startsWith('!!')) return undefined;
  const name = tag.slice(1);
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

export class YamlTree implements TreeDoc {
  readonly value: unknown;

  constructor(
    readonly path: string,
    readonly index: number,
    private readonly text: string,
    private readonly document: Document.Parsed,
  ) {
    this.value = this.toValue(document.contents, 0);
  }

  private toValue(node: unknown, depth: number): unknown {
    if (depth > 200) throw new EditError('YAML nested too deeply');
    if (isAlias(node)) return this.toValue(node.resolve(this.document), depth + 1);
    let value: unknown;
    if (isScalar(node)) value = node.value;
    else if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) out[keyOf(pair)] = this.toValue(pair.value, depth + 1);
      value = out;
    } else if (isSeq(node)) value = node.items.map((item) => this.toValue(item, depth + 1));
    else return null;
    const intrinsic = intrinsicKey((node as Node).tag);
    if (!intrinsic) return value;
    if (intrinsic === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { [intrinsic]: dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : [value] };
    }
    return { [intrinsic]: value };
  }

  /** The node at `path`; an intrinsic's key (`Fn::Sub` of `!Sub`) steps into the tagged node itself. */
  private node(path: Path): { node: Node; parent?: Node; pair?: Pair } {
    let node = this.document.contents as Node | null;
    let parent: Node | undefined;
    let pair: Pair | undefined;
    let tagOpen = true;
    for (const key of path) {
      if (!node) throw new EditError(`nothing at ${path.join('.')}`);
      if (isAlias(node)) throw new EditError(`${path.join('.')} goes through an alias`);
      if (tagOpen && typeof key === 'string' && intrinsicKey(node.tag) === key) {
        tagOpen = false;
        continue;
      }
      tagOpen = true;
      parent = node;
      if (typeof key === 'number' && isSeq(node)) {
        pair = undefined;
        node = (node.items[key] as Node | undefined) ?? null;
      } else if (typeof key === 'string' && isMap(node)) {
        pair = node.items.find((candidate) => keyOf(candidate) === key);
        node = (pair?.value as Node | undefined) ?? null;
      } else node = null;
    }
    if (!node) throw new EditError(`nothing at ${path.join('.')}`);
    return { node, ...(parent ? { parent } : {}), ...(pair ? { pair } : {}) };
  }

  line(path: Path): number {
    const { node, pair } = this.node(path);
    const start = (pair?.key as Node | undefined)?.range?.[0] ?? node.range?.[0] ?? 0;
    return lineAt(this.text, start);
  }

  replace(path: Path, value: unknown): TextEdit[] {
    const { node } = this.node(path);
    const range = node.range;
    if (!range) throw new EditError(`no source range at ${path.join('.')}`);
    if (isScalar(node) && (value === null || typeof value !== 'object')) {
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
        if (typeof value !== 'string') throw new EditError('a block scalar takes a string');
        return [this.blockScalarEdit(node, value)];
      }
      return [{ offset: range[0], length: range[1] - range[0], content: formatScalar(value, node) }];
    }
    if (isSeq(node) && Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
      const like = node.items.find(isScalar);
      if (node.flow) {
        return [{ offset: range[0], length: range[1] - range[0], content: flowSeq(value, like) }];
      }
      const first = node.items[0] as Node | undefined;
      if (!first?.range) throw new EditError('an empty block list');
      const start = lineStart(this.text, dashBefore(this.text, first.range[0]));
      const end = lineEnd(this.text, lastChar(this.text, node));
      const indent = indentAt(this.text, start);
      const lines = value.map((item) => `${indent}- ${formatScalar(item, like)}`);
      return [{ offset: start, length: end - start, content: lines.join('\n') }];
    }
    throw new EditError(`cannot replace the ${node.constructor.name} at ${path.join('.')}`);
  }

  insert(path: Path, key: string, value: unknown): TextEdit[] {
    const { node } = this.node(path);
    if (!isMap(node)) throw new EditError(`${path.join('.')} is not a map`);
    if (node.flow) throw new EditError(`${path.join('.')} is a flow map`);
    const first = node.items[0];
    const last = node.items[node.items.length - 1];
    const firstKey = first?.key as Node | undefined;
    if (!last || !firstKey?.range) throw new EditError(`${path.join('.')} is an empty map`);
    const column = firstKey.range[0] - lineStart(this.text, firstKey.range[0]);
    const indent = ' '.repeat(column);
    const end = lineEnd(
      this.text,
      last.value ? lastChar(this.text, last.value as Node) : lastChar(this.text, last.key as Node),
    );
    return [{ offset: end, length: 0, content: `\n${indent}${entryText(key, value, indent)}` }];
  }

  append(path: Path, value: string | number): TextEdit[] {
    const { node } = this.node(path);
    if (!isSeq(node) || !node.range) throw new EditError(`${path.join('.')} is not a list`);
    const last = node.items[node.items.length - 1] as Node | undefined;
    const like = node.items.find(isScalar);
    if (node.flow) {
      const close = this.text.lastIndexOf(']', node.range[1]);
      const content = last ? `, ${formatScalar(value, like)}` : formatScalar(value, like);
      const at = last?.range ? last.range[1] : close;
      return [{ offset: at, length: 0, content }];
    }
    if (!last?.range) throw new EditError(`${path.join('.')} is an empty block list`);
    const indent = indentAt(this.text, dashBefore(this.text, last.range[0]));
    return [
      {
        offset: lineEnd(this.text, lastChar(this.text, last)),
        length: 0,
        content: `\n${indent}- ${formatScalar(value, like)}`,
      },
    ];
  }

  remove(path: Path): TextEdit[] {
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    const { node: parent } = this.node(parentPath);
    if (isSeq(parent) && typeof key === 'number') {
      const item = parent.items[key] as Node | undefined;
      if (!item?.range || !parent.range) throw new EditError(`no item ${key} at ${parentPath.join('.')}`);
      if (parent.flow) {
        const kept = parent.items
          .filter((_, index) => index !== key)
          .map((other) => this.text.slice((other as Node).range![0], (other as Node).range![1]));
        return [
          { offset: parent.range[0], length: parent.range[1] - parent.range[0], content: `[${kept.join(', ')}]` },
        ];
      }
      return [this.removeLines(dashBefore(this.text, item.range[0]), lastChar(this.text, item))];
    }
    if (isMap(parent) && typeof key === 'string') {
      const pair = parent.items.find((candidate) => keyOf(candidate) === key);
      const keyNode = pair?.key as Node | undefined;
      if (!pair || !keyNode?.range) throw new EditError(`no key ${key} at ${parentPath.join('.')}`);
      if (parent.flow) throw new EditError(`${parentPath.join('.')} is a flow map`);
      const start = lineStart(this.text, keyNode.range[0]);
      if (this.text.slice(start, keyNode.range[0]).trim() !== '')
        throw new EditError(`${key} shares its line with the list item it starts`);
      return [this.removeLines(keyNode.range[0], lastChar(this.text, (pair.value as Node | null) ?? keyNode))];
    }
    throw new EditError(`nothing to remove at ${path.join('.')}`);
  }

  private removeLines(from: number, to: number): TextEdit {
    const start = lineStart(this.text, from);
    const end = lineEnd(this.text, to);
    // The line break after the block goes with it; a block at the very end takes the one before it instead.
    if (end < this.text.length) return { offset: start, length: end + 1 - start, content: '' };
    const before = Math.max(0, start - 1);
    return { offset: before, length: end - before, content: '' };
  }

  private blockScalarEdit(node: Scalar, value: string): TextEdit {
    const [start, end] = node.range!;
    const source = this.text.slice(start, end);
    const header = source.slice(0, source.indexOf('\n') === -1 ? source.length : source.indexOf('\n'));
    const contentStart = start + header.length + 1;
    const firstLine =
      this.text
        .slice(contentStart)
        .split('\n')
        .find((line) => line.trim() !== '') ?? '';
    const indent = firstLine.slice(0, firstLine.length - firstLine.trimStart().length);
    if (!indent) throw new EditError('a block scalar without indentation');
    const indicator = header.trim().split(/\s/)[0] ?? '|';
    if (/[0-9]/.test(indicator)) throw new EditError('a block scalar with an explicit indentation indicator');
    const style = indicator.startsWith('>') ? '>' : '|';
    if (style === '>') throw new EditError('a folded block scalar');
    const keep = value.endsWith('\n') ? '' : '-';
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    const lines = body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
    // The node ends after its last line break; keep what follows (the next key) untouched.
    const trailing = source.endsWith('\n') ? '\n' : '';
    return { offset: start, length: end - start, content: `|${keep}\n${lines.join('\n')}${trailing}` };
  }
}

function keyOf(pair: Pair): string {
  const key = pair.key;
  return isScalar(key) ? String(key.value) : String(key);
}

/** Offset of the `-` that opens a block list item starting at `offset`. */
function dashBefore(text: string, offset: number): number {
  let index = offset - 1;
  while (index >= 0 && /\s/.test(text[index] ?? '')) index--;
  return text[index] === '-' ? index : offset;
}

/** Offset of the last non-blank character of a node. */
function lastChar(text: string, node: Node): number {
  const [start, end] = node.range ?? [0, 0];
  let index = end;
  while (index > start && /\s/.test(text[index - 1] ?? '')) index--;
  return Math.max(start, index - 1);
}

const PLAIN_SAFE = /^[A-Za-z0-9_][A-Za-z0-9_./:@+=-]*$/;

/** A scalar in the style of `like`: its quotes kept, plain only where YAML reads it back as the same string. */
export function formatScalar(value: unknown, like?: Scalar): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const text = String(value);
  if (like?.type === Scalar.QUOTE_SINGLE && !text.includes('\n')) return `'${text.replaceAll("'", "''")}'`;
  if (like?.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(text);
  if (PLAIN_SAFE.test(text) && parse(text) === text) return text;
  // JSON inside YAML (add-on configurationValues) reads best single-quoted: no escaped double quotes.
  if (text.includes('"') && !text.includes("'") && !text.includes('\n')) return `'${text}'`;
  return JSON.stringify(text);
}

function flowSeq(values: unknown[], like?: Scalar): string {
  return `[${values.map((value) => formatScalar(value, like)).join(', ')}]`;
}

function entryText(key: string, value: unknown, indent: string): string {
  const name = formatScalar(key);
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object'))
    return `${name}: ${flowSeq(value)}`;
  if (isRecord(value) || Array.isArray(value)) {
    const block = stringify(value, { indent: 2, lineWidth: 0 }).trimEnd().split('\n');
    return `${name}:\n${block.map((line) => `${indent}  ${line}`).join('\n')}`;
  }
  return `${name}: ${formatScalar(value)}`;
}
