/**
 * A Terraform file as blocks and attributes over its syntax tree, and the Terraform module it belongs to (the `.tf`
 * and `.tfvars` files of one directory): variables, their defaults and `.tfvars` values, and locals. Every node keeps
 * its source range, so an edit replaces exactly the text of the value it changes.
 */
import { lineAt } from '../text-edit.ts';
import type { HclNode } from './parser.ts';

export interface HclDoc {
  readonly path: string;
  readonly text: string;
  readonly root: HclNode;
}

export interface HclBlock {
  readonly doc: HclDoc;
  readonly node: HclNode;
  /** `resource`, `module`, `ingress`, … */
  readonly type: string;
  readonly labels: string[];
  readonly body: HclNode | undefined;
}

export interface HclAttribute {
  readonly node: HclNode;
  readonly name: string;
  /** The `expression` node of the value. */
  readonly expr: HclNode;
}

export function textOf(doc: { text: string }, node: HclNode): string {
  return doc.text.slice(node.start, node.end);
}

export function lineOf(doc: HclDoc, node: HclNode): number {
  return lineAt(doc.text, node.start);
}

function bodyItems(body: HclNode | undefined): HclNode[] {
  return body?.children ?? [];
}

function blockOf(doc: HclDoc, node: HclNode): HclBlock {
  const labels: string[] = [];
  let type = '';
  let body: HclNode | undefined;
  for (const child of node.children) {
    if (child.type === 'identifier' && !type) type = textOf(doc, child);
    else if (child.type === 'string_lit') labels.push(unquote(textOf(doc, child)));
    else if (child.type === 'identifier') labels.push(textOf(doc, child));
    else if (child.type === 'body') body = child;
  }
  return { doc, node, type, labels, body };
}

/** The top-level blocks of a file. */
export function topBlocks(doc: HclDoc): HclBlock[] {
  const body = doc.root.children.find((child) => child.type === 'body');
  return bodyItems(body)
    .filter((item) => item.type === 'block')
    .map((item) => blockOf(doc, item));
}

/** The nested blocks of a block, optionally of one type. */
export function childBlocks(block: HclBlock, type?: string): HclBlock[] {
  return bodyItems(block.body)
    .filter((item) => item.type === 'block')
    .map((item) => blockOf(block.doc, item))
    .filter((child) => type === undefined || child.type === type);
}

export function attributes(block: HclBlock): Map<string, HclAttribute> {
  return attributesOfBody(block.doc, block.body);
}

/** The attributes of a body (a file's top level, a `.tfvars` file). */
export function attributesOfBody(doc: HclDoc, body: HclNode | undefined): Map<string, HclAttribute> {
  const out = new Map<string, HclAttribute>();
  for (const item of bodyItems(body)) {
    if (item.type !== 'attribute') continue;
    const name = item.children.find((child) => child.type === 'identifier');
    const expr = item.children.find((child) => child.type === 'expression');
    if (name && expr) out.set(textOf(doc, name), { node: item, name: textOf(doc, name), expr });
  }
  return out;
}

export function rootBody(doc: HclDoc): HclNode | undefined {
  return doc.root.children.find((child) => child.type === 'body');
}

/** `"a\"b"` → `a"b`; `$${x}` → `${x}` (HCL's escape for a literal interpolation). */
export function unquote(text: string): string {
  const inner = text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
  return unescapeLiteral(inner);
}

export function unescapeLiteral(text: string): string {
  return text
    .replace(/\\(["\\nrt])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c)
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** The directory of a repository path ('' at the root). */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** The `.tf` and `.tfvars` files of one directory: one Terraform module. */
export class TerraformModule {
  readonly tf: HclDoc[];
  readonly tfvars: HclDoc[];

  constructor(
    readonly directory: string,
    docs: HclDoc[],
  ) {
    this.tf = docs.filter((doc) => doc.path.endsWith('.tf'));
    this.tfvars = docs.filter((doc) => doc.path.endsWith('.tfvars'));
  }

  blocks(type: string, label?: string): HclBlock[] {
    return this.tf.flatMap((doc) =>
      topBlocks(doc).filter((block) => block.type === type && (label === undefined || block.labels[0] === label)),
    );
  }

  /** The expressions that set a variable: every `.tfvars` value, else the default. */
  variableSources(name: string): { doc: HclDoc; expr: HclNode }[] {
    const fromTfvars = this.tfvars.flatMap((doc) => {
      const attribute = attributesOfBody(doc, rootBody(doc)).get(name);
      return attribute ? [{ doc, expr: attribute.expr }] : [];
    });
    if (fromTfvars.length) return fromTfvars;
    const variable = this.blocks('variable', name)[0];
    const fallback = variable ? attributes(variable).get('default') : undefined;
    return variable && fallback ? [{ doc: variable.doc, expr: fallback.expr }] : [];
  }

  local(name: string): { doc: HclDoc; expr: HclNode } | undefined {
    for (const block of this.blocks('locals')) {
      const attribute = attributes(block).get(name);
      if (attribute) return { doc: block.doc, expr: attribute.expr };
    }
    return undefined;
  }

  /** Where the module's code reads `var.name` / `local.name` (outside comments and strings' literals). */
  readers(reference: string): { doc: HclDoc; node: HclNode }[] {
    const [kind, name] = reference.split('.');
    const found: { doc: HclDoc; node: HclNode }[] = [];
    for (const doc of this.tf) {
      const walk = (node: HclNode) => {
        if (node.type === 'expression' && isReference(doc, node, kind!, name!)) found.push({ doc, node });
        for (const child of node.children) walk(child);
      };
      walk(doc.root);
    }
    return found;
  }

  uses(reference: string): HclNode[] {
    return this.readers(reference).map((reader) => reader.node);
  }
}

function isReference(doc: HclDoc, node: HclNode, kind: string, name: string): boolean {
  const [head, first] = node.children;
  if (head?.type !== 'variable_expr' || textOf(doc, head) !== kind || first?.type !== 'get_attr') return false;
  return textOf(doc, first).replace(/^\.\s*/, '') === name;
}

/** Terraform modules by directory. */
export function modulesOf(docs: readonly HclDoc[]): Map<string, TerraformModule> {
  const byDirectory = new Map<string, HclDoc[]>();
  for (const doc of docs) {
    const directory = directoryOf(doc.path);
    byDirectory.set(directory, [...(byDirectory.get(directory) ?? []), doc]);
  }
  return new Map([...byDirectory].map(([directory, list]) => [directory, new TerraformModule(directory, list)]));
}

/** One `key = value` element of an HCL object literal. */
export interface ObjectEntry {
  key: string;
  element: HclNode;
  /** The value's `expression` node. */
  value: HclNode;
}

/** The object literal (`{ … }`) an expression is, or undefined. */
export function objectLiteral(expr: HclNode | undefined): HclNode | undefined {
  const collection = expr?.type === 'expression' && expr.children.length === 1 ? expr.children[0] : undefined;
  const object = collection?.type === 'collection_value' ? collection.children[0] : undefined;
  return object?.type === 'object' ? object : undefined;
}

/** The elements of an object literal whose keys are written out (a computed key is left out). */
export function objectEntries(doc: HclDoc, object: HclNode): ObjectEntry[] {
  const out: ObjectEntry[] = [];
  for (const element of object.children.filter((child) => child.type === 'object_elem')) {
    const keyNode = element.children.find((child) => child.field === 'key');
    const value = element.children.find((child) => child.field === 'val');
    const raw = keyNode ? textOf(doc, keyNode).trim() : '';
    const key = /^"([^"\\$%]|\\.)*"$/.test(raw)
      ? unquote(raw)
      : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(raw)
        ? raw
        : undefined;
    if (key !== undefined && value) out.push({ key, element, value });
  }
  return out;
}
