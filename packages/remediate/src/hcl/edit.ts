/**
 * Text edits of Terraform source by syntax-node range: a value replaced where it stands, a block or list item
 * removed with the lines it occupies, an attribute added before a block's closing brace at the indentation of its
 * siblings. Nothing else of the file moves.
 */
import { indentAt, lineEnd, lineStart, type TextEdit } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import type { HclBlock, HclDoc } from './model.ts';
import type { HclNode } from './parser.ts';

/** HCL written out as is (a heredoc), given the indentation of the line it starts on. */
export class RawHcl {
  constructor(readonly text: (indent: string) => string) {}
}

/** An HCL literal: strings quoted (with `${` and `%{` escaped), lists inline, objects one key a line. */
export function render(value: unknown, indent = ''): string {
  if (value instanceof RawHcl) return value.text(indent);
  if (typeof value === 'string') return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => render(item, indent)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const keys = entries.map(([key]) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key)));
    const width = Math.max(...keys.map((key) => key.length));
    const lines = entries.map(([, item], at) => `${inner}${keys[at]!.padEnd(width)} = ${render(item, inner)}`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  throw new EditError(`cannot write ${String(value)} as HCL`);
}

export function replaceNode(node: HclNode, content: string): TextEdit {
  return { offset: node.start, length: node.end - node.start, content };
}

/**
 * Removes a block or attribute with its whole lines. When it stood between two blank lines (a top-level resource),
 * one of them goes too. Refused when other code shares its first or last line.
 */
export function removeLines(doc: HclDoc, node: HclNode): TextEdit {
  const text = doc.text;
  const start = lineStart(text, node.start);
  const end = lineEnd(text, node.end);
  if (text.slice(start, node.start).trim() || stripComment(text.slice(node.end, end)).trim())
    throw new EditError('the block shares a line with other code');
  let stop = end < text.length ? end + 1 : end;
  const blankBefore = start === 0 || text.slice(lineStart(text, start - 1), start - 1).trim() === '';
  // The last block of the file: the blank line that separated it goes with it.
  if (stop >= text.length && blankBefore && start > 0)
    return { offset: lineStart(text, start - 1), length: stop - lineStart(text, start - 1), content: '' };
  const nextEnd = lineEnd(text, stop);
  if (blankBefore && stop < text.length && text.slice(stop, nextEnd).trim() === '')
    stop = nextEnd < text.length ? nextEnd + 1 : nextEnd;
  return { offset: start, length: stop - start, content: '' };
}

function stripComment(text: string): string {
  const at = text.search(/#|\/\//);
  return at === -1 ? text : text.slice(0, at);
}

/** Removes one element of a tuple (`[a, b, c]`), inline or one element a line. */
export function removeTupleElement(doc: HclDoc, tuple: HclNode, index: number): TextEdit {
  const elements = tuple.children.filter((child) => child.type === 'expression');
  const element = elements[index];
  if (!element) throw new EditError('no such list element');
  const text = doc.text;
  const multiline = text.slice(tuple.start, tuple.end).includes('\n');
  if (multiline && lineStart(text, element.start) !== lineStart(text, tuple.start)) {
    const start = lineStart(text, element.start);
    const end = lineEnd(text, element.end);
    const rest = text.slice(element.end, end).replace(/^\s*,?/, '');
    if (text.slice(start, element.start).trim() === '' && stripComment(rest).trim() === '')
      return { offset: start, length: Math.min(end + 1, text.length) - start, content: '' };
  }
  // Inline: the element with the comma after it, or, for the last one, the comma before it.
  const next = elements[index + 1];
  if (next) return { offset: element.start, length: next.start - element.start, content: '' };
  const previous = elements[index - 1];
  if (previous) return { offset: previous.end, length: element.end - previous.end, content: '' };
  return { offset: element.start, length: element.end - element.start, content: '' };
}

/** Adds `name = value` as the last line of a block's body. */
export function insertAttribute(block: HclBlock, name: string, value: unknown): TextEdit {
  return insertAttributeText(block, name, (indent) => render(value, indent));
}

/** Adds `name = <text>` as the last line of a block's body (`text` given the line's indentation). */
export function insertAttributeText(block: HclBlock, name: string, valueText: (indent: string) => string): TextEdit {
  const text = block.doc.text;
  const close = block.node.children.find((child) => child.type === 'block_end');
  if (!close) throw new EditError('the block has no closing brace');
  const blockIndent = indentAt(text, block.node.start);
  const first = block.body?.children[0];
  const indent = first ? indentAt(text, first.start) : `${blockIndent}  `;
  const closeLine = lineStart(text, close.start);
  if (text.slice(closeLine, close.start).trim() !== '') throw new EditError('the block is written on one line');
  return { offset: closeLine, length: 0, content: `${indent}${name} = ${valueText(indent)}\n` };
}

/** Replaces the value of `key` in an HCL object (`{ … }`) where it stands; undefined when the key is absent. */
export function replaceObjectKey(doc: HclDoc, object: HclNode, key: string, value: unknown): TextEdit | undefined {
  for (const element of object.children.filter((child) => child.type === 'object_elem')) {
    const name = element.children.find((child) => child.field === 'key');
    const current = element.children.find((child) => child.field === 'val');
    if (!name || !current) continue;
    const written = doc.text.slice(name.start, name.end).trim();
    if (written === key || written === JSON.stringify(key))
      return replaceNode(current, render(value, indentAt(doc.text, element.start)));
  }
  return undefined;
}

/**
 * Adds `key = value` elements to an HCL object before its closing brace: one a line, `=` aligned with the siblings,
 * in a multi-line object; comma-separated in a one-line one.
 */
export function addObjectKeys(doc: HclDoc, object: HclNode, entries: [string, unknown][]): TextEdit {
  const text = doc.text;
  const elements = object.children.filter((child) => child.type === 'object_elem');
  const close = object.children.find((child) => child.type === 'object_end');
  if (!close) throw new EditError('the object has no closing brace');
  const names = entries.map(([key]) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key)));
  const last = elements.at(-1);
  if (text.slice(object.start, object.end).includes('\n')) {
    const indent = last ? indentAt(text, last.start) : `${indentAt(text, object.start)}  `;
    // Aligned like `terraform fmt`: with the last element when it is a one-line `key = value`.
    const lastLine = last && !text.slice(last.start, last.end).includes('\n') ? text.slice(last.start, last.end) : '';
    const column = lastLine ? lastLine.search(/\s*=/) : 0;
    const width = Math.max(column, ...names.map((name) => name.length));
    const closeLine = lineStart(text, close.start);
    if (text.slice(closeLine, close.start).trim() !== '')
      throw new EditError('the object closes on a line with a value');
    const lines = entries.map(([, value], at) => `${indent}${names[at]!.padEnd(width)} = ${render(value, indent)}\n`);
    return { offset: closeLine, length: 0, content: lines.join('') };
  }
  const outer = indentAt(text, object.start);
  if (!last) {
    // `{}`: opened onto lines of its own, as `terraform fmt` writes an object with multi-line values.
    const lines = entries.map(([, value], at) => `${outer}  ${names[at]} = ${render(value, `${outer}  `)}`);
    return { offset: object.start, length: object.end - object.start, content: `{\n${lines.join('\n')}\n${outer}}` };
  }
  const added = entries.map(([, value], at) => `${names[at]} = ${render(value, outer)}`);
  return { offset: last.end, length: 0, content: `, ${added.join(', ')}` };
}
