/**
 * Turns SDK responses into the JSON a snapshot file holds: no `$metadata`, dates as ISO strings, and launch-template
 * user data reduced to the pod-limit settings (user data often holds secrets; a snapshot file gets shared).
 */
import { gunzipSync } from 'node:zlib';

/**
 * A deep copy of an SDK response fit for JSON: `$metadata` removed at every level, `Date`s as ISO strings,
 * `undefined` members dropped.
 *
 * @example
 * ```ts
 * toSnapshotJson({ $metadata: {}, Vpcs: [{ CreatedAt: new Date(0) }] }); // { Vpcs: [{ CreatedAt: '1970-01-01T00:00:00.000Z' }] }
 * ```
 */
export function toSnapshotJson<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(clean);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (key === '$metadata' || member === undefined) continue;
      out[key] = clean(member);
    }
    return out;
  }
  return value;
}

/** First line of reduced user data, so a reader of the snapshot knows the rest was left out on purpose. */
export const USER_DATA_MARKER = '# podnet-guard: user data reduced to the pod-limit settings';

// Each pattern captures one setting and its value, never the rest of the line (a bootstrap line also carries the
// cluster endpoint and CA; other lines may carry tokens).
const POD_LIMIT_PATTERNS: RegExp[] = [
  /--use-max-pods(?:=|\s+)['"]?(?:true|false)\b/g,
  /--max-pods(?:=|\s+)['"]?\d+/g,
  /["']?maxPodsExpression["']?\s*[:=]\s*(?:"[^"]*"|'[^']*'|[^\s,}]+)/g,
  /["']?maxPods["']?\s*[:=]\s*["']?\d+["']?/g,
  /["']?ENABLE_PREFIX_DELEGATION["']?\s*[:=]\s*["']?(?:true|false)["']?/gi,
];

/** Decodes base64 user data, gunzipping it when it is gzip (cloud-init accepts both). */
function decodeUserData(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch {
      return '';
    }
  }
  return bytes.toString('utf8');
}

/**
 * The pod-limit settings found in user data (`--max-pods`, `--use-max-pods`, `maxPods`, `maxPodsExpression`,
 * `ENABLE_PREFIX_DELEGATION`), one per line, in the order they appear. Everything else is dropped.
 *
 * @example
 * ```ts
 * podLimitSettings("/etc/eks/bootstrap.sh prod --b64-cluster-ca XXX --use-max-pods false --kubelet-extra-args '--max-pods=110'");
 * // ['--use-max-pods false', '--max-pods=110']
 * ```
 */
export function podLimitSettings(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const hits: { index: number; text: string }[] = [];
    for (const pattern of POD_LIMIT_PATTERNS) {
      for (const match of line.matchAll(pattern)) {
        // `maxPods` also matches inside `maxPodsExpression`: keep the longer match only.
        if (hits.some((hit) => match.index >= hit.index && match.index < hit.index + hit.text.length)) continue;
        hits.push({ index: match.index, text: match[0] });
      }
    }
    hits.sort((a, b) => a.index - b.index);
    found.push(...hits.map((hit) => hit.text.trim()));
  }
  return found;
}

/**
 * Replaces base64 user data by base64 of `USER_DATA_MARKER` plus the pod-limit settings only (see
 * `podLimitSettings`). What maxPods needs survives; secrets, endpoints and scripts do not.
 *
 * @example
 * ```ts
 * reduceUserData(Buffer.from('TOKEN=s3cret\n--max-pods=29').toString('base64')); // base64 of "<marker>\n--max-pods=29\n"
 * ```
 */
export function reduceUserData(base64: string): string {
  const kept = podLimitSettings(decodeUserData(base64));
  return Buffer.from(`${[USER_DATA_MARKER, ...kept].join('\n')}\n`, 'utf8').toString('base64');
}

interface LaunchTemplateVersionLike {
  LaunchTemplateData?: { UserData?: string | undefined } | undefined;
}

/** Applies `reduceUserData` to each launch template version's `LaunchTemplateData.UserData`, in place. */
export function reduceLaunchTemplateUserData<T extends LaunchTemplateVersionLike>(versions: T[]): T[] {
  for (const version of versions) {
    const data = version.LaunchTemplateData;
    if (data && typeof data.UserData === 'string' && data.UserData !== '')
      data.UserData = reduceUserData(data.UserData);
  }
  return versions;
}
