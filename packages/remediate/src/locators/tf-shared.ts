/** Helpers the Terraform locators share: the module of a file, candidates, and edits made where a value is defined. */
import { evaluate, originOf, type Scope } from '../hcl/evaluate.ts';
import {
  attributes,
  directoryOf,
  type HclBlock,
  type HclDoc,
  lineOf,
  TerraformModule as Module,
  modulesOf,
  type TerraformModule,
} from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import type { TextEdit } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import { collectingShares, readThrough } from './tf-sharing.ts';
import type { Candidate, ParsedFile } from './types.ts';

// One module map per repository view (the engine hands every locator one array per lookup; an edit makes a new one).
const views = new WeakMap<readonly ParsedFile[], Map<string, TerraformModule>>();

/** The Terraform module (directory) a file belongs to, from the repository's parsed files. */
export function moduleOf(doc: HclDoc, repo: readonly ParsedFile[]): TerraformModule {
  let modules = views.get(repo);
  if (!modules) {
    modules = modulesOf(repo.flatMap((file) => (file.hcl ? [file.hcl] : [])));
    views.set(repo, modules);
  }
  return modules.get(directoryOf(doc.path)) ?? new Module(directoryOf(doc.path), [doc]);
}

/** A candidate whose edits are computed now; an edit that cannot be made safely becomes a refusal. */
export function tfCandidate(
  doc: HclDoc,
  node: HclNode,
  make: () => Omit<Candidate, 'path' | 'line'> & { path?: string; line?: number },
): Candidate {
  const line = lineOf(doc, node);
  try {
    const { made, shared } = collectingShares(make);
    return { line, ...made, path: made.path ?? doc.path, ...(shared.length ? { shared } : {}) };
  } catch (error) {
    if (error instanceof EditError) return { path: doc.path, line, refusal: error.message };
    throw error;
  }
}

/** A resource with `count` or `for_each` is several resources: one of them cannot be edited alone. */
export function assertSingle(block: HclBlock): void {
  const meta = ['count', 'for_each'].find((name) => attributes(block).has(name));
  if (meta) throw new EditError(`${label(block)} uses ${meta}: its instances share one block`);
}

export function label(block: HclBlock): string {
  return block.labels.length ? `${block.type} ${block.labels.map((l) => `"${l}"`).join(' ')}` : block.type;
}

/** `resource "aws_x" "y"` → `aws_x.y`. */
export function address(block: HclBlock): string {
  return `${block.labels[0]}.${block.labels[1]}`;
}

/** Where `resource.address` is read elsewhere in the module (outputs, depends_on, other resources). */
export function referencesTo(module: TerraformModule, block: HclBlock): string[] {
  const pattern = new RegExp(`(^|[^A-Za-z0-9_.-])${address(block).replace(/\./g, '\\.')}([^A-Za-z0-9_-]|$)`);
  const out: string[] = [];
  for (const doc of module.tf) {
    let offset = 0;
    doc.text.split('\n').forEach((line, index) => {
      const inside = doc === block.doc && offset >= block.node.start && offset < block.node.end;
      if (!inside && pattern.test(line.replace(/#.*$/, ''))) out.push(`${doc.path}:${index + 1}`);
      offset += line.length + 1;
    });
  }
  return out;
}

/**
 * The expression that defines an attribute's value (itself, or the `.tfvars` value / default / local it reads). When
 * that definition feeds other code too, the read is recorded for the engine (tf-sharing.ts): the edit is made only
 * when the finding covers every reader.
 */
export function definition(block: HclBlock, name: string, scope: Scope): { doc: HclDoc; expr: HclNode; via: string[] } {
  const attribute = attributes(block).get(name);
  if (!attribute) throw new EditError(`${label(block)} has no ${name}`);
  return definitionOf(attribute.expr, name, { ...scope, doc: block.doc });
}

/** {@link definition} of an expression (`name` says what it is, for the refusal). */
export function definitionOf(expr: HclNode, name: string, scope: Scope): { doc: HclDoc; expr: HclNode; via: string[] } {
  const origin = originOf(expr, scope);
  if ('refusal' in origin) throw new EditError(`${name}: ${origin.refusal}`);
  for (const reference of origin.via) readThrough(reference, name, scope, expr);
  return origin;
}

/** The value a definition holds (evaluated where it is written). */
export function definedValue(origin: { doc: HclDoc; expr: HclNode }, scope: Scope): unknown {
  return evaluate(origin.expr, { ...scope, doc: origin.doc });
}

/** The tuple node of a list expression (`[…]`), or undefined. */
export function tupleOf(expr: HclNode): HclNode | undefined {
  const collection = expr.type === 'expression' ? expr.children[0] : expr;
  const tuple = collection?.type === 'collection_value' ? collection.children[0] : undefined;
  return tuple?.type === 'tuple' && expr.children.length === 1 ? tuple : undefined;
}

/** Edits of a definition, named by the file and line that hold it. */
export function at(doc: HclDoc, node: HclNode, edits: TextEdit[]): { edits: TextEdit[]; path: string; line: number } {
  return { edits, path: doc.path, line: lineOf(doc, node) };
}
