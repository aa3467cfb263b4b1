/**
 * Karpenter: maxPods lives in the kubelet block, `spec.kubelet.maxPods` of a v1 `EC2NodeClass` (found through the
 * NodePool's `nodeClassRef`, in any file), or `spec.template.spec.kubelet.maxPods` of a v1beta1 `NodePool`. Files hold
 * several documents. A node pool is matched by name: Karpenter files do not name their cluster.
 */
import { isRecord, type Path, type TreeDoc, valueAt } from '../tree/types.ts';
import { candidate, str } from './shared.ts';
import type { Candidate, EditPart, Locator, ParsedFile } from './types.ts';

const NOTE =
  'Karpenter applies kubelet settings to nodes it launches from now on: existing nodes keep theirs until they are replaced (drift replaces them when the node class changes).';

function isKind(value: unknown, group: string, kind: string): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    value.kind === kind &&
    typeof value.apiVersion === 'string' &&
    value.apiVersion.startsWith(`${group}/`)
  );
}

function nameOf(value: Record<string, unknown>): string | undefined {
  return isRecord(value.metadata) ? str(value.metadata.name) : undefined;
}

export const karpenterLocator: Locator = {
  format: 'karpenter',
  locate(file: ParsedFile, part: EditPart, repo: readonly ParsedFile[]): Candidate[] {
    if (part.kind !== 'max-pods') return [];
    const out: Candidate[] = [];
    for (const doc of file.docs) {
      const pool = doc.value;
      if (!isKind(pool, 'karpenter.sh', 'NodePool') || nameOf(pool) !== part.nodeGroup.name) continue;
      if (pool.apiVersion === 'karpenter.sh/v1beta1') {
        out.push(setKubeletMaxPods(doc, ['spec', 'template', 'spec'], part.maxPods, ''));
        continue;
      }
      const ref = valueAt(pool, ['spec', 'template', 'spec', 'nodeClassRef']);
      const className = isRecord(ref) ? str(ref.name) : undefined;
      if (!className) {
        out.push({
          path: file.path,
          line: doc.line(['metadata']),
          refusal: `NodePool ${part.nodeGroup.name} names no nodeClassRef`,
        });
        continue;
      }
      const classes = repo.flatMap((other) =>
        other.docs.filter(
          (candidateDoc) =>
            isKind(candidateDoc.value, 'karpenter.k8s.aws', 'EC2NodeClass') &&
            nameOf(candidateDoc.value as Record<string, unknown>) === className,
        ),
      );
      if (classes.length === 0) {
        out.push({
          path: file.path,
          line: doc.line(['spec', 'template', 'spec', 'nodeClassRef']),
          refusal: `NodePool ${part.nodeGroup.name} uses EC2NodeClass ${className}, which no file of the repository holds`,
        });
        continue;
      }
      const sharers = repo
        .flatMap((other) => other.docs)
        .filter((other) => isKind(other.value, 'karpenter.sh', 'NodePool') && other.value !== pool)
        .filter((other) => {
          const otherRef = valueAt(other.value, ['spec', 'template', 'spec', 'nodeClassRef']);
          return isRecord(otherRef) && otherRef.name === className;
        })
        .map((other) => nameOf(other.value as Record<string, unknown>) ?? '?');
      const shared = sharers.length
        ? ` EC2NodeClass ${className} is shared with NodePool(s) ${sharers.join(', ')}: they get this maxPods too.`
        : '';
      for (const nodeClass of classes) out.push(setKubeletMaxPods(nodeClass, ['spec'], part.maxPods, shared));
    }
    return out;
  },
};

function setKubeletMaxPods(doc: TreeDoc, spec: Path, maxPods: number, extra: string): Candidate {
  return candidate(doc, spec, () => {
    const kubelet = valueAt(doc.value, [...spec, 'kubelet']);
    if (isRecord(kubelet)) {
      if (kubelet.maxPods === maxPods) return { done: true };
      const edits =
        kubelet.maxPods === undefined
          ? doc.insert([...spec, 'kubelet'], 'maxPods', maxPods)
          : doc.replace([...spec, 'kubelet', 'maxPods'], maxPods);
      return { edits, note: `${NOTE}${extra}` };
    }
    return { edits: doc.insert(spec, 'kubelet', { maxPods }), note: `${NOTE}${extra}` };
  });
}
