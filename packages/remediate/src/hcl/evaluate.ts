/**
 * What a Terraform expression is worth before `terraform plan`: literals, strings whose interpolations resolve,
 * `var.*` (from `.tfvars`, else the default), `local.*`, `basename(path.cwd)`, `replace` and `substr`. A reference to a resource attribute is
 * a {@link Reference}; anything else (a function, a conditional, `data.*`, `module.*`) is {@link Computed}.
 */
import { type HclDoc, type TerraformModule, textOf, unescapeLiteral, unquote } from './model.ts';
import type { HclNode } from './parser.ts';

/** A value Terraform only knows at plan or apply time. */
export class Computed {
  constructor(readonly why: string) {}
}

/** `aws_security_group.node.id`: a resource attribute, known at apply time, but naming its resource. */
export class Reference {
  constructor(readonly parts: string[]) {}
  get resourceType(): string | undefined {
    return this.parts[0];
  }
  get resourceName(): string | undefined {
    return this.parts[1];
  }
}

const MAX_DEPTH = 20;

export interface Scope {
  doc: HclDoc;
  module: TerraformModule;
}

export function evaluate(expr: HclNode, scope: Scope, depth = 0): unknown {
  if (depth > MAX_DEPTH) return new Computed('a reference chain too deep');
  const { doc } = scope;
  switch (expr.type) {
    case 'expression':
      return expression(expr, scope, depth);
    case 'literal_value':
      return literal(doc, expr.children[0]);
    case 'template_expr':
      return template(expr.children[0], scope, depth);
    case 'collection_value':
      return collection(expr.children[0], scope, depth);
    case 'function_call':
      return functionCall(expr, scope, depth);
    default:
      return new Computed(`${textOf(doc, expr).slice(0, 60)} is computed`);
  }
}

function expression(expr: HclNode, scope: Scope, depth: number): unknown {
  const [head, ...rest] = expr.children;
  if (!head) return new Computed('an empty expression');
  if (head.type !== 'variable_expr') {
    if (rest.length) return new Computed(`${textOf(scope.doc, expr).slice(0, 60)} is computed`);
    return evaluate(head, scope, depth + 1);
  }
  const parts = [textOf(scope.doc, head)];
  for (const step of rest) {
    if (step.type !== 'get_attr') return new Computed(`${textOf(scope.doc, expr).slice(0, 60)} is computed`);
    parts.push(textOf(scope.doc, step).replace(/^\.\s*/, ''));
  }
  return traverse(parts, scope, depth);
}

function traverse(parts: string[], scope: Scope, depth: number): unknown {
  const [root, name, ...rest] = parts;
  let value: unknown;
  if (root === 'var' && name) value = variable(name, scope, depth);
  else if (root === 'local' && name) {
    const local = scope.module.local(name);
    value = local
      ? evaluate(local.expr, { ...scope, doc: local.doc }, depth + 1)
      : new Computed(`local.${name} is not defined here`);
  } else if (root?.includes('_') && name && !['data', 'module', 'path', 'each', 'count'].includes(root))
    return new Reference(parts);
  else return new Computed(`${parts.join('.')} is computed`);
  for (const key of rest) {
    if (typeof value !== 'object' || value === null || value instanceof Computed || Array.isArray(value))
      return new Computed(`${parts.join('.')} is computed`);
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined ? new Computed(`${parts.join('.')} is not set`) : value;
}

function variable(name: string, scope: Scope, depth: number): unknown {
  const sources = scope.module.variableSources(name);
  if (sources.length === 0) return new Computed(`var.${name} has no default or .tfvars value`);
  const values = sources.map((source) => evaluate(source.expr, { ...scope, doc: source.doc }, depth + 1));
  const first = values[0];
  if (values.some((value) => JSON.stringify(value) !== JSON.stringify(first)))
    return new Computed(`var.${name} differs between ${sources.map((source) => source.doc.path).join(', ')}`);
  return first;
}

function literal(doc: HclDoc, node: HclNode | undefined): unknown {
  if (!node) return null;
  const text = textOf(doc, node);
  if (node.type === 'numeric_lit') return Number(text);
  if (node.type === 'bool_lit') return text === 'true';
  if (node.type === 'null_lit') return null;
  if (node.type === 'string_lit') return unquote(text);
  return new Computed(`${text} is computed`);
}

function template(node: HclNode | undefined, scope: Scope, depth: number): unknown {
  if (!node) return '';
  let out = '';
  for (const part of node.children) {
    if (part.type === 'template_literal') out += unescapeLiteral(textOf(scope.doc, part));
    else if (part.type === 'template_interpolation') {
      const inner = part.children.find((child) => child.type === 'expression');
      const value = inner ? evaluate(inner, scope, depth + 1) : undefined;
      if (typeof value !== 'string' && typeof value !== 'number')
        return new Computed(`${textOf(scope.doc, part)} is computed`);
      out += String(value);
    } else if (part.type === 'template_directive') return new Computed('a template directive (%{ … }) is computed');
  }
  if (node.type === 'heredoc_template' && /^<<-/.test(textOf(scope.doc, node))) return dedent(out);
  return out;
}

/** `<<-EOT` strips the smallest indentation of its lines. */
export function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((line) => line.trim()).map((line) => /^[ \t]*/.exec(line)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(Math.min(cut, /^[ \t]*/.exec(line)![0].length))).join('\n');
}

function collection(node: HclNode | undefined, scope: Scope, depth: number): unknown {
  if (!node) return new Computed('an empty collection');
  if (node.type === 'tuple')
    return node.children
      .filter((child) => child.type === 'expression')
      .map((child) => evaluate(child, scope, depth + 1));
  const out: Record<string, unknown> = {};
  for (const element of node.children.filter((child) => child.type === 'object_elem')) {
    const key = objectKey(
      scope.doc,
      element.children.find((child) => child.field === 'key'),
    );
    const value = element.children.find((child) => child.field === 'val');
    if (key === undefined || !value) return new Computed('an object with a computed key');
    out[key] = evaluate(value, scope, depth + 1);
  }
  return out;
}

/** An object key: a bare name, a quoted string, or `(expression)` (computed). */
export function objectKey(doc: HclDoc, key: HclNode | undefined): string | undefined {
  if (!key) return undefined;
  const text = textOf(doc, key).trim();
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) return text;
  if (/^"([^"\\$%]|\\.)*"$/.test(text)) return unquote(text);
  return undefined;
}

function functionCall(node: HclNode, scope: Scope, depth: number): unknown {
  const name = textOf(scope.doc, node.children[0]!);
  const args = node.children.find((child) => child.type === 'function_arguments')?.children ?? [];
  if (name === 'basename' && args.length === 1 && textOf(scope.doc, args[0]!).trim() === 'path.cwd') {
    const directory = scope.module.directory;
    return directory ? directory.slice(directory.lastIndexOf('/') + 1) : new Computed('basename(path.cwd) at the root');
  }
  if (name === 'jsonencode' && args.length === 1) return evaluate(args[0]!, scope, depth + 1);
  if (name === 'substr' && args.length === 3) {
    const [text, offset, length] = args.map((arg) => evaluate(arg, scope, depth + 1));
    if (typeof text === 'string' && typeof offset === 'number' && typeof length === 'number' && offset >= 0)
      return length < 0 ? text.slice(offset) : text.slice(offset, offset + length);
  }
  if (name === 'replace' && args.length === 3) {
    const [text, search, by] = args.map((arg) => evaluate(arg, scope, depth + 1));
    // A /regex/ search is Terraform's, not JavaScript's: left computed.
    if (typeof text === 'string' && typeof search === 'string' && typeof by === 'string' && !search.startsWith('/'))
      return text.split(search).join(by);
  }
  return new Computed(`${name}(…) is computed`);
}

/** Where a value is written: the expression itself, or the `.tfvars` value / default / local it reads. */
export type Origin = { doc: HclDoc; expr: HclNode; via: string[] } | { refusal: string; doc: HclDoc; expr: HclNode };

/** Follows `var.x` and `local.x` (the whole expression) to the literal that defines the value. */
export function originOf(expr: HclNode, scope: Scope, via: string[] = []): Origin {
  const [head, step, ...more] = expr.children;
  const direct = expr.type === 'expression' && head?.type === 'variable_expr' && step?.type === 'get_attr';
  if (!direct || more.length || via.length > MAX_DEPTH) return { doc: scope.doc, expr, via };
  const kind = textOf(scope.doc, head);
  const name = textOf(scope.doc, step).replace(/^\.\s*/, '');
  if (kind === 'var') {
    const sources = scope.module.variableSources(name);
    if (sources.length !== 1)
      return {
        refusal: `var.${name} is set ${sources.length ? `in ${sources.length} .tfvars files` : 'nowhere in the repository'}`,
        doc: scope.doc,
        expr,
      };
    const source = sources[0]!;
    return originOf(source.expr, { ...scope, doc: source.doc }, [...via, `var.${name}`]);
  }
  if (kind === 'local') {
    const local = scope.module.local(name);
    if (!local) return { refusal: `local.${name} is not defined in this module`, doc: scope.doc, expr };
    return originOf(local.expr, { ...scope, doc: local.doc }, [...via, `local.${name}`]);
  }
  return { doc: scope.doc, expr, via };
}

/** The resource block `type.name` of a module. */
export function resourceBlock(module: TerraformModule, type: string, name: string) {
  return module.blocks('resource', type).find((block) => block.labels[1] === name);
}
