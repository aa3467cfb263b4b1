/**
 * Callers of terraform-aws-modules/eks/aws. The caller owns the values, so the caller's inputs are edited, never the
 * module's own files. Up to v20: `cluster_name`, `cluster_addons`, `eks_managed_node_groups` /
 * `self_managed_node_groups` with their `*_node_group_defaults`; from v21: `name`, `addons`, no defaults. The major
 * version comes from the `version` constraint (or a git `?ref=`), else from the inputs used. A node group is an entry
 * of the map, named by its `name` or its key; the module adds AWS's 26-digit suffix unless `use_name_prefix = false`.
 */
import { evaluate, originOf, type Scope } from '../hcl/evaluate.ts';
import {
  attributes,
  type HclAttribute,
  type HclBlock,
  type HclDoc,
  lineOf,
  type ObjectEntry,
  objectEntries,
  objectLiteral,
} from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import { eksModuleAddonCandidates } from './tf-eks-module-addons.ts';
import { entryInstanceTypes, entryMaxPods, entryRemoteAccess } from './tf-eks-module-groups.ts';
import { eksModuleRuleCandidates } from './tf-eks-module-rules.ts';
import { tfCandidate } from './tf-shared.ts';
import { readShared } from './tf-sharing.ts';
import type { Candidate, EditPart } from './types.ts';

const SOURCES = [
  /^terraform-aws-modules\/eks\/aws$/,
  /github\.com[/:]terraform-aws-modules\/terraform-aws-eks(\.git)?/,
];
const V21_INPUTS = ['kubernetes_version', 'addons', 'endpoint_public_access', 'security_group_additional_rules'];
const V20_INPUTS = [
  'cluster_name',
  'cluster_version',
  'cluster_addons',
  'eks_managed_node_group_defaults',
  'self_managed_node_group_defaults',
];

/** One `module` block calling the EKS module. */
export interface EksCall {
  block: HclBlock;
  /** Major version: 20 stands for "up to v20" (the inputs did not change in a way that matters here before v21). */
  major: number;
  inputs: Map<string, HclAttribute>;
  scope: Scope;
  cluster: unknown;
}

export function eksCalls(scope: Scope): EksCall[] {
  const out: EksCall[] = [];
  for (const block of scope.module.blocks('module')) {
    if (block.doc !== scope.doc) continue;
    const inputs = attributes(block);
    const source = inputs.get('source') ? evaluate(inputs.get('source')!.expr, scope) : undefined;
    if (typeof source !== 'string' || !SOURCES.some((pattern) => pattern.test(source))) continue;
    const create = inputs.get('create') ? evaluate(inputs.get('create')!.expr, scope) : true;
    if (create === false) continue; // `create = false`: the call makes nothing
    const major = majorOf(inputs, source, scope);
    const clusterInput = inputs.get(major >= 21 ? 'name' : 'cluster_name');
    if (!clusterInput) continue; // no cluster name: nothing this call makes can be told apart
    const cluster = evaluate(clusterInput.expr, scope);
    out.push({ block, major, inputs, scope, cluster });
  }
  return out;
}

function majorOf(inputs: Map<string, HclAttribute>, source: string, scope: Scope): number {
  const version = inputs.get('version') ? evaluate(inputs.get('version')!.expr, scope) : undefined;
  const written = typeof version === 'string' ? version : /[?&]ref=v?([\d.]+)/.exec(source)?.[1];
  const major = written ? /(\d+)/.exec(written)?.[1] : undefined;
  if (major) return Number(major);
  if (V21_INPUTS.some((name) => inputs.has(name))) return 21;
  if (V20_INPUTS.some((name) => inputs.has(name))) return 20;
  return 21;
}

export function clusterMatches(call: EksCall, cluster: string | undefined): boolean {
  return !cluster || typeof call.cluster !== 'string' || call.cluster === cluster;
}

/** A node group entry of a call, with the file its map is written in (a local or variable may hold the map). */
export interface GroupEntry {
  call: EksCall;
  doc: HclDoc;
  entry: ObjectEntry;
  object: HclNode;
  managed: boolean;
  /** The `*_node_group_defaults` object (up to v20), when written out. */
  defaults?: { doc: HclDoc; object: HclNode };
}

function nameMatches(entry: ObjectEntry, object: HclNode, doc: HclDoc, call: EksCall, wanted: string): boolean {
  const fields = new Map(objectEntries(doc, object).map((field) => [field.key, field]));
  const read = (key: string) => {
    const field = fields.get(key);
    return field ? evaluate(field.value, { ...call.scope, doc }) : undefined;
  };
  const name = read('name') ?? entry.key;
  if (typeof name !== 'string') return false;
  if (wanted === name) return true;
  return (
    read('use_name_prefix') !== false && wanted.startsWith(`${name}-`) && /^\d{26}$/.test(wanted.slice(name.length + 1))
  );
}

/** The entries of the node group maps named `name` (all of them without a name). */
export function groupEntries(call: EksCall, name?: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const [input, managed] of [
    ['eks_managed_node_groups', true],
    ['self_managed_node_groups', false],
  ] as const) {
    const attribute = call.inputs.get(input);
    if (!attribute) continue;
    const origin = originOf(attribute.expr, call.scope);
    const map = 'refusal' in origin ? undefined : objectLiteral(origin.expr);
    if (!map) continue;
    const defaults = call.major <= 20 ? defaultsOf(call, managed) : undefined;
    for (const entry of objectEntries(origin.doc, map)) {
      const object = objectLiteral(entry.value);
      if (!object || (name !== undefined && !nameMatches(entry, object, origin.doc, call, name))) continue;
      out.push({ call, doc: origin.doc, entry, object, managed, ...(defaults ? { defaults } : {}) });
    }
  }
  return out;
}

function defaultsOf(call: EksCall, managed: boolean): GroupEntry['defaults'] {
  const attribute = call.inputs.get(managed ? 'eks_managed_node_group_defaults' : 'self_managed_node_group_defaults');
  if (!attribute) return undefined;
  const origin = originOf(attribute.expr, call.scope);
  const object = 'refusal' in origin ? undefined : objectLiteral(origin.expr);
  return object ? { doc: origin.doc, object } : undefined;
}

/** The name a node group entry gives its group: `name`, else the map key (undefined when computed). */
export function entryName(group: GroupEntry): string | undefined {
  const field = fieldsOf(group.doc, group.object).get('name');
  const name = field ? valueIn(group, group.doc, field.value) : group.entry.key;
  return typeof name === 'string' ? name : undefined;
}

/** The fields of an entry, by key. */
export function fieldsOf(doc: HclDoc, object: HclNode): Map<string, ObjectEntry> {
  return new Map(objectEntries(doc, object).map((field) => [field.key, field]));
}

/** The value of an entry's field, else of the defaults' (up to v20), and where it is written. */
export function inherited(
  group: GroupEntry,
  key: string,
): { from: 'entry' | 'defaults'; field: ObjectEntry; doc: HclDoc } | undefined {
  const own = fieldsOf(group.doc, group.object).get(key);
  if (own) return { from: 'entry', field: own, doc: group.doc };
  const fallback = group.defaults ? fieldsOf(group.defaults.doc, group.defaults.object).get(key) : undefined;
  return fallback && group.defaults ? { from: 'defaults', field: fallback, doc: group.defaults.doc } : undefined;
}

export function valueIn(group: GroupEntry, doc: HclDoc, node: HclNode): unknown {
  return evaluate(node, { ...group.call.scope, doc });
}

/**
 * A default feeds every entry that does not set the key itself: changing it is for the engine to allow, when the
 * finding covers every such entry (tf-sharing.ts).
 */
export function assertDefaultsFeedOnlyThis(group: GroupEntry, key: string): void {
  const input = group.managed ? 'eks_managed_node_groups' : 'self_managed_node_groups';
  const attribute = group.call.inputs.get(input);
  const origin = attribute ? originOf(attribute.expr, group.call.scope) : undefined;
  const map = origin && !('refusal' in origin) ? objectLiteral(origin.expr) : undefined;
  const others = (map ? objectEntries(group.doc, map) : []).filter((entry) => {
    if (entry.key === group.entry.key) return false;
    const object = objectLiteral(entry.value);
    return !object || !fieldsOf(group.doc, object).has(key);
  });
  if (others.length === 0) return;
  const defaults = `${input.replace(/s$/, '')}_defaults`;
  const span = (entry: ObjectEntry) => ({ path: group.doc.path, start: entry.element.start, end: entry.element.end });
  const owner = `module.${group.call.block.labels[0]} ${input}`;
  readShared(
    {
      what: key,
      reference: `${defaults}.${key}`,
      count: others.length + 1,
      entry: span(group.entry),
      readers: [group.entry, ...others].map((entry) => ({
        ...span(entry),
        line: lineOf(group.doc, entry.element),
        owner: `${owner}.${entry.key}`,
      })),
    },
    `${key} comes from ${defaults}, which node groups ${others.map((entry) => entry.key).join(', ')} also use`,
  );
}

export function eksModuleCandidates(scope: Scope, part: EditPart): Candidate[] {
  const calls = eksCalls(scope);
  if (calls.length === 0) return [];
  switch (part.kind) {
    case 'revoke-rule':
      return calls.flatMap((call) => eksModuleRuleCandidates(call, part.securityGroup, part.rule));
    case 'prefix-delegation':
      return calls
        .filter((call) => clusterMatches(call, part.cluster))
        .flatMap((call) => eksModuleAddonCandidates(call, part.warmPrefixTarget));
    default: {
      const owner = part.nodeGroup;
      if (!owner) return [];
      const groups = calls
        .filter((call) => clusterMatches(call, owner.cluster))
        .flatMap((call) => groupEntries(call, owner.name));
      return groups.map((group) =>
        tfCandidate(group.doc, group.entry.element, () => {
          if (part.kind === 'instance-types') return entryInstanceTypes(group, part.instanceTypes);
          if (part.kind === 'remote-access') return entryRemoteAccess(group, part.sourceSecurityGroups);
          return entryMaxPods(group, part.maxPods);
        }),
      );
    }
  }
}
