/**
 * Values that several owners read (one variable feeding two node groups). A locator records such a read while it
 * makes a candidate instead of refusing at once: whether the change may edit the shared definition depends on the
 * whole plan (does the finding read it at every place it is read?), which only the engine sees. Outside a candidate (no plan to
 * consult) a shared read is refused as before.
 */
import type { Scope } from '../hcl/evaluate.ts';
import {
  attributes,
  childBlocks,
  type HclBlock,
  type HclDoc,
  objectEntries,
  objectLiteral,
  type TerraformModule,
  topBlocks,
} from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import { lineAt } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import type { SharedRead } from './types.ts';

// The shared reads of the candidate being made (undefined outside one).
let making: SharedRead[] | undefined;

/** Runs `make` for one candidate, collecting the shared definitions it reads. */
export function collectingShares<T>(make: () => T): { made: T; shared: SharedRead[] } {
  const outer = making;
  const shared: SharedRead[] = [];
  making = shared;
  try {
    return { made: make(), shared };
  } finally {
    making = outer;
  }
}

/**
 * `what`, read at `entry` (the candidate's own expression), comes from `reference` (`var.x`, `local.y`): fine when
 * only one place reads it; otherwise recorded for the engine's check, or refused when no candidate is being made.
 */
export function readThrough(reference: string, what: string, scope: Scope, entry: HclNode): void {
  const count = readsOf(reference, scope.module).length;
  if (count <= 1) return;
  if (!making)
    throw new EditError(`${what} comes from ${reference}, which ${count} places read: refusing to change them all`);
  making.push({
    what,
    reference,
    count,
    entry: { path: scope.doc.path, start: entry.start, end: entry.end },
    readers: readersOf(reference, scope.module, new Set()),
  });
}

/** A value several owners read by other means (a module's `*_node_group_defaults`): recorded, or refused outside a candidate. */
export function readShared(read: SharedRead, refusal: string): void {
  if (!making) throw new EditError(refusal);
  making.push(read);
}

/** Where a reference is read; a read inside a `locals` value stands for the readers of that local. */
function readersOf(reference: string, module: TerraformModule, seen: Set<string>): SharedRead['readers'] {
  if (seen.has(reference) || seen.size > 20) return [];
  seen.add(reference);
  return readsOf(reference, module).flatMap(({ doc, node }) => {
    const local = localAt(doc, node.start);
    if (local) return readersOf(`local.${local}`, module, seen);
    return [
      {
        path: doc.path,
        start: node.start,
        end: node.end,
        line: lineAt(doc.text, node.start),
        owner: ownerAt(doc, node.start),
      },
    ];
  });
}

/** Where the module reads a reference, leaving out a variable's own `validation` (it feeds no owner). */
function readsOf(reference: string, module: TerraformModule): { doc: HclDoc; node: HclNode }[] {
  return module
    .readers(reference)
    .filter(
      ({ doc, node }) => !topBlocks(doc).some((block) => block.type === 'variable' && inside(block.node, node.start)),
    );
}

function inside(node: HclNode, offset: number): boolean {
  return node.start <= offset && offset < node.end;
}

function localAt(doc: HclDoc, offset: number): string | undefined {
  const block = topBlocks(doc).find((candidate) => candidate.type === 'locals' && inside(candidate.node, offset));
  return block ? [...attributes(block).values()].find((attribute) => inside(attribute.node, offset))?.name : undefined;
}

/**
 * Names what reads a value at `offset`: `aws_eks_node_group.ops`, `aws_security_group.nodes ingress block`,
 * `module.eks eks_managed_node_groups.batch`.
 */
export function ownerAt(doc: HclDoc, offset: number): string {
  const block = topBlocks(doc).find((candidate) => inside(candidate.node, offset));
  if (!block) return `${doc.path}:${lineAt(doc.text, offset)}`;
  if (block.type === 'resource') {
    const nested = childBlocks(block).find((child) => inside(child.node, offset));
    return `${block.labels[0]}.${block.labels[1]}${nested ? ` ${nested.type} block` : ''}`;
  }
  const name = `${block.type}${block.labels.length ? `.${block.labels[0]}` : ''}`;
  return block.type === 'module' ? `${name}${inputPath(block, offset)}` : name;
}

/** The input of a module call and the entry (a node group key) that hold `offset`. */
function inputPath(block: HclBlock, offset: number): string {
  const attribute = [...attributes(block).values()].find((candidate) => inside(candidate.node, offset));
  if (!attribute) return '';
  const path = [attribute.name];
  const object = objectLiteral(attribute.expr);
  const entry = object && objectEntries(block.doc, object).find((candidate) => inside(candidate.element, offset));
  if (entry) path.push(entry.key);
  return ` ${path.join('.')}`;
}
