/**
 * Files rendered before use are never edited: what is committed is not what is deployed. Helm or Go templates
 * (`{{ … }}`; CloudFormation's own `{{resolve:…}}` dynamic references excepted) and envsubst `${VAR}` placeholders in
 * Kubernetes-style YAML (CloudFormation's `Fn::Sub` uses `${…}` itself; shell scripts inside a file use both).
 */
import { isRecord } from './tree/types.ts';

const SCRIPT_KEYS = new Set([
  'preBootstrapCommands',
  'overrideBootstrapCommand',
  'userData',
  'UserData',
  'script',
  'commands',
]);
const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * Why this file is rendered before use, or undefined. A file that parses is judged by its values, outside shell
 * scripts (`docker inspect --format '{{.Id}}'` in user data is not a template); one that does not, by its text.
 */
export function templatingReason(
  text: string,
  values: unknown[] | undefined,
  cloudFormation: boolean,
): string | undefined {
  if (values === undefined) {
    const found = goTemplate(text);
    return found ? `rendered before use: a Helm/Go template expression ${found}` : undefined;
  }
  // `{{ .Values.x }}` may even parse, as nested flow maps: count expressions in the text against those in scripts.
  const inScripts = values.reduce<number>((sum, value) => sum + scriptTemplates(value, false, 0), 0);
  if (templateCount(text) > inScripts) return `rendered before use: a Helm/Go template expression ${goTemplate(text)}`;
  if (cloudFormation) return undefined;
  for (const value of values) {
    const found = firstString(value, (item) => PLACEHOLDER.exec(item)?.[0], 0);
    if (found) return `rendered before use: the envsubst placeholder ${found}`;
  }
  return undefined;
}

/** The first `{{ … }}` expression (CloudFormation's `{{resolve:…}}` dynamic references excepted). */
function goTemplate(text: string): string | undefined {
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at + 2)) {
    if (text.startsWith('{{resolve:', at)) continue;
    const end = text.indexOf('}}', at);
    if (end !== -1) return text.slice(at, Math.min(end + 2, at + 60));
  }
  return undefined;
}

function templateCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at + 2))
    if (!text.startsWith('{{resolve:', at) && text.indexOf('}}', at) !== -1) count++;
  return count;
}

/** `{{ … }}` expressions inside the strings of script keys. */
function scriptTemplates(value: unknown, inScript: boolean, depth: number): number {
  if (depth > 100) return 0;
  if (typeof value === 'string') return inScript ? templateCount(value) : 0;
  if (Array.isArray(value))
    return value.reduce<number>((sum, item) => sum + scriptTemplates(item, inScript, depth + 1), 0);
  if (!isRecord(value)) return 0;
  return Object.entries(value).reduce<number>(
    (sum, [key, item]) => sum + scriptTemplates(item, inScript || SCRIPT_KEYS.has(key), depth + 1),
    0,
  );
}

/** The first match of `test` in a string of `value`, outside script keys. */
function firstString(value: unknown, test: (text: string) => string | undefined, depth: number): string | undefined {
  if (depth > 100) return undefined;
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstString(item, test, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (SCRIPT_KEYS.has(key)) continue;
    const found = firstString(item, test, depth + 1);
    if (found) return found;
  }
  return undefined;
}
