/**
 * TreeDoc over JSON (CloudFormation templates in JSON) with `jsonc-parser`: edits are the minimal text edits
 * `modify` computes, in the file's own indentation, so the rest of the file keeps its formatting.
 */
import { findNodeAtLocation, modify, type ParseError, parse, parseTree, printParseErrorCode } from 'jsonc-parser';
import { lineAt, type TextEdit } from '../text-edit.ts';
import { EditError, type Path, type TreeDoc } from './types.ts';

export interface ParsedJson {
  doc?: JsonTree;
  errors: string[];
}

export function parseJson(path: string, text: string): ParsedJson {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length) return { errors: errors.map((error) => `${printParseErrorCode(error.error)} at ${error.offset}`) };
  return { doc: new JsonTree(path, text, value), errors: [] };
}

export class JsonTree implements TreeDoc {
  readonly index = 0;
  private readonly tabSize: number;
  private readonly insertSpaces: boolean;

  constructor(
    readonly path: string,
    private readonly text: string,
    readonly value: unknown,
  ) {
    const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
    this.insertSpaces = !indent.startsWith('\t');
    this.tabSize = this.insertSpaces ? indent.length : 1;
  }

  private location(path: Path) {
    const root = parseTree(this.text);
    const node = root ? findNodeAtLocation(root, [...path]) : undefined;
    if (!node) throw new EditError(`nothing at ${path.join('.')}`);
    return node;
  }

  line(path: Path): number {
    const node = this.location(path);
    return lineAt(this.text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
  }

  private edits(path: Path, value: unknown): TextEdit[] {
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    return modify(this.text, [...path], value, {
      formattingOptions: { insertSpaces: this.insertSpaces, tabSize: this.tabSize, eol },
    });
  }

  replace(path: Path, value: unknown): TextEdit[] {
    this.location(path);
    return this.edits(path, value);
  }

  insert(path: Path, key: string, value: unknown): TextEdit[] {
    const node = this.location(path);
    if (node.type !== 'object') throw new EditError(`${path.join('.')} is not an object`);
    return this.edits([...path, key], value);
  }

  append(path: Path, value: string | number): TextEdit[] {
    const node = this.location(path);
    if (node.type !== 'array') throw new EditError(`${path.join('.')} is not an array`);
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    return modify(this.text, [...path, -1], value, {
      isArrayInsertion: true,
      formattingOptions: { insertSpaces: this.insertSpaces, tabSize: this.tabSize, eol },
    });
  }

  remove(path: Path): TextEdit[] {
    this.location(path);
    return this.edits(path, undefined);
  }
}
