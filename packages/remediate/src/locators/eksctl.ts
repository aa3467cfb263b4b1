/**
 * eksctl `ClusterConfig`: `managedNodeGroups[]` and `nodeGroups[]` (maxPodsPerNode, instance types, ssh) and the
 * vpc-cni entry of `addons[]` (its `configurationValues` JSON string, edited in place with jsonc-parser so its style
 * stays). eksctl never reconciles an existing node group: every node group change needs a new node group.
 */
import { findNodeAtLocation, type ParseError, parse as parseJsonc, parseTree } from 'jsonc-parser';
import { applyEdits } from '../text-edit.ts';
import { EditError, isRecord, type Path, type TreeDoc } from '../tree/types.ts';
import { candidate, sameList, str } from './shared.ts';
import type { Candidate, EditPart, Locator, ParsedFile } from './types.ts';
import { editUserDataMaxPods } from './user-data.ts';

const NODE_GROUP_NOTE =
  'eksctl never updates an existing node group: create a new one from this file (eksctl create nodegroup --config-file), then drain and delete the old one (eksctl delete nodegroup --drain).';

function isClusterConfig(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    value.kind === 'ClusterConfig' &&
    typeof value.apiVersion === 'string' &&
    value.apiVersion.startsWith('eksctl.io/')
  );
}

function clusterMatches(config: Record<string, unknown>, cluster: string | undefined): boolean {
  const name = isRecord(config.metadata) ? str(config.metadata.name) : undefined;
  if (!cluster || name === undefined) return true;
  // A placeholder name (${EKS_CLUSTER_NAME}) may be any cluster: the file is a candidate, refused as templated.
  return name === cluster || name.includes('${');
}

function nodeGroups(
  config: Record<string, unknown>,
  name: string,
): { path: Path; group: Record<string, unknown>; managed: boolean }[] {
  const found: { path: Path; group: Record<string, unknown>; managed: boolean }[] = [];
  for (const key of ['managedNodeGroups', 'nodeGroups'] as const) {
    const list = config[key];
    if (!Array.isArray(list)) continue;
    list.forEach((group, index) => {
      if (isRecord(group) && group.name === name)
        found.push({ path: [key, index], group, managed: key === 'managedNodeGroups' });
    });
  }
  return found;
}

export const eksctlLocator: Locator = {
  format: 'eksctl',
  locate(file: ParsedFile, part: EditPart): Candidate[] {
    const out: Candidate[] = [];
    for (const doc of file.docs) {
      const config = doc.value;
      if (!isClusterConfig(config)) continue;
      if (part.kind === 'prefix-delegation') {
        if (clusterMatches(config, part.cluster)) out.push(...prefixDelegation(doc, config, part.warmPrefixTarget));
        continue;
      }
      if (part.kind === 'revoke-rule') continue;
      const owner = part.nodeGroup;
      if (!owner || !clusterMatches(config, owner.cluster)) continue;
      for (const { path, group, managed } of nodeGroups(config, owner.name)) {
        if (part.kind === 'max-pods') out.push(maxPods(doc, path, group, part.maxPods));
        else if (part.kind === 'instance-types') out.push(instanceTypes(doc, path, group, managed, part.instanceTypes));
        else out.push(remoteAccess(doc, path, group, part.sourceSecurityGroups));
      }
    }
    return out;
  },
};

function maxPods(doc: TreeDoc, path: Path, group: Record<string, unknown>, value: number): Candidate {
  return candidate(doc, path, () => {
    const override = str(group.overrideBootstrapCommand);
    if (override !== undefined) {
      // eksctl ignores maxPodsPerNode when the bootstrap command is overridden: the command itself sets it.
      const edited = editUserDataMaxPods(override, value);
      if ('refusal' in edited) return { refusal: `overrideBootstrapCommand: ${edited.refusal}` };
      if (edited.text === override) return { done: true };
      return { edits: doc.replace([...path, 'overrideBootstrapCommand'], edited.text), note: NODE_GROUP_NOTE };
    }
    if (group.maxPodsPerNode === value) return { done: true };
    const edits =
      group.maxPodsPerNode === undefined
        ? doc.insert(path, 'maxPodsPerNode', value)
        : doc.replace([...path, 'maxPodsPerNode'], value);
    return { edits, note: NODE_GROUP_NOTE };
  });
}

function instanceTypes(
  doc: TreeDoc,
  path: Path,
  group: Record<string, unknown>,
  managed: boolean,
  types: string[],
): Candidate {
  return candidate(doc, path, () => {
    const distribution = isRecord(group.instancesDistribution) ? group.instancesDistribution : undefined;
    if (distribution && Array.isArray(distribution.instanceTypes)) {
      if (sameList(distribution.instanceTypes, types)) return { done: true };
      return { edits: doc.replace([...path, 'instancesDistribution', 'instanceTypes'], types), note: NODE_GROUP_NOTE };
    }
    if (Array.isArray(group.instanceTypes)) {
      if (sameList(group.instanceTypes, types)) return { done: true };
      return { edits: doc.replace([...path, 'instanceTypes'], types), note: NODE_GROUP_NOTE };
    }
    if (group.instanceType !== undefined) {
      if (types.length !== 1)
        throw new EditError(`the node group names one instanceType; ${types.length} types planned`);
      if (group.instanceType === types[0]) return { done: true };
      return { edits: doc.replace([...path, 'instanceType'], types[0]), note: NODE_GROUP_NOTE };
    }
    if (group.launchTemplate !== undefined)
      throw new EditError('the instance type comes from the node group launch template, which this file does not hold');
    if (types.length > 1 && !managed)
      throw new EditError('an unmanaged node group takes several types only in instancesDistribution');
    const edits =
      types.length === 1 ? doc.insert(path, 'instanceType', types[0]) : doc.insert(path, 'instanceTypes', types);
    return { edits, note: NODE_GROUP_NOTE };
  });
}

function remoteAccess(doc: TreeDoc, path: Path, group: Record<string, unknown>, sources: string[]): Candidate {
  return candidate(doc, path, () => {
    const ssh = group.ssh;
    if (ssh === undefined && sources.length === 0) return { done: true };
    if (!isRecord(ssh))
      throw new EditError('this node group has no ssh block: the live node group differs from the file (drift)');
    const sshPath = [...path, 'ssh'];
    if (sources.length > 0) {
      if (sameList(ssh.sourceSecurityGroupIds, sources)) return { done: true };
      const edits =
        ssh.sourceSecurityGroupIds === undefined
          ? doc.insert(sshPath, 'sourceSecurityGroupIds', sources)
          : doc.replace([...sshPath, 'sourceSecurityGroupIds'], sources);
      return { edits, note: NODE_GROUP_NOTE };
    }
    // eksctl turns SSH on when a key is given and `allow` is not: `allow: false` is the explicit off switch.
    const hasKey = ['publicKey', 'publicKeyName', 'publicKeyPath'].some((key) => ssh[key] !== undefined);
    if (ssh.allow === false || (ssh.allow === undefined && !hasKey)) return { done: true };
    const edits =
      ssh.allow === undefined ? doc.insert(sshPath, 'allow', false) : doc.replace([...sshPath, 'allow'], false);
    return { edits, note: NODE_GROUP_NOTE };
  });
}

function prefixDelegation(doc: TreeDoc, config: Record<string, unknown>, warm: number): Candidate[] {
  const addons = Array.isArray(config.addons) ? config.addons : [];
  const out: Candidate[] = [];
  addons.forEach((addon, index) => {
    if (!isRecord(addon) || addon.name !== 'vpc-cni') return;
    const path: Path = ['addons', index];
    out.push(
      candidate(doc, path, () => {
        const wanted = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: String(warm) };
        const current = addon.configurationValues;
        if (current === undefined)
          return { edits: doc.insert(path, 'configurationValues', JSON.stringify({ env: wanted })) };
        if (typeof current !== 'string') throw new EditError('configurationValues is not a string');
        const next = setCniEnv(current, wanted);
        if (next === current) return { done: true };
        return { edits: doc.replace([...path, 'configurationValues'], next) };
      }),
    );
  });
  return out;
}

/**
 * Sets `env` keys in a configurationValues JSON string, keeping its layout: a value is replaced where it stands, a
 * new key goes before the closing brace of its object with the separator the object already uses.
 */
export function setCniEnv(json: string, env: Record<string, string>): string {
  let text = json;
  for (const [key, wanted] of Object.entries(env)) {
    const errors: ParseError[] = [];
    const root = parseTree(text, errors);
    if (errors.length || root?.type !== 'object')
      throw new EditError('configurationValues is not a JSON object (YAML form not supported)');
    const envNode = findNodeAtLocation(root, ['env']);
    if (envNode && envNode.type !== 'object') throw new EditError('configurationValues env is not an object');
    const current = findNodeAtLocation(root, ['env', key]);
    if (current) {
      if (current.value === wanted) continue;
      text = applyEdits(text, [{ offset: current.offset, length: current.length, content: JSON.stringify(wanted) }]);
      continue;
    }
    const target = envNode ?? root;
    // The document's own spacing after a colon and a comma (the object's, else the document's, else as its colons).
    const colon = /"\s*:\s/.test(text) ? ': ' : ':';
    const entry = envNode
      ? `${JSON.stringify(key)}${colon}${JSON.stringify(wanted)}`
      : `"env"${colon}{${JSON.stringify(key)}${colon}${JSON.stringify(wanted)}}`;
    const body = text.slice(target.offset, target.offset + target.length);
    const commas = body.includes(',') ? body : text;
    const separator = (commas.includes(',') ? /,\s/.test(commas) : colon === ': ') ? ', ' : ',';
    const close = target.offset + target.length - 1;
    const content = target.children?.length ? `${separator}${entry}` : entry;
    text = applyEdits(text, [{ offset: close, length: 0, content }]);
  }
  const check = parseJsonc(text);
  if (!isRecord(check) || !isRecord(check.env)) throw new EditError('configurationValues does not read back');
  return text;
}
