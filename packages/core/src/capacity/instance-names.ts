/** Every instance type name podnet-guard knows, and the nearest ones to a name it does not (for "did you mean"). */
import { INSTANCE_LIMITS } from './instance-limits.generated.ts';
import { PUBLISHED_MAX_PODS } from './published-max-pods.generated.ts';

/** Edit distance (insert, delete, substitute), for names of a few dozen characters. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known type names nearest to `instanceType`, closest first: same family before other families, then by edit
 * distance, then by name.
 *
 * @example
 * nearestInstanceTypes('m5.lage'); // ['m5.large', …]
 * nearestInstanceTypes('trn2.2xlarge'); // ['trn2.3xlarge', …]
 */
export function nearestInstanceTypes(instanceType: string, count = 3): string[] {
  const wanted = instanceType.trim().toLowerCase();
  const family = wanted.split('.')[0];
  const names = [...Object.keys(INSTANCE_LIMITS), ...Object.keys(PUBLISHED_MAX_PODS)];
  return names
    .map((name) => ({ name, sameFamily: name.split('.')[0] === family ? 0 : 1, cost: distance(wanted, name) }))
    .sort((a, b) => a.sameFamily - b.sameFamily || a.cost - b.cost || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((entry) => entry.name);
}
