/**
 * Files rendered before use are never edited: what is committed is not what is deployed. Helm or Go templates
 * (`{{ … }}`; CloudFormation's own `{{resolve:…}}` dynamic references excepted) and envsubst `${VAR}` placeholders in
 * Kubernetes-style YAML (CloudFormation's `Fn::Sub` uses `${…}` itself; shell scripts inside a file use it too).
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

/** Why this file is rendered before use, or undefined. */
export function templatingReason(text: string, values: unknown[], cloudFormation: boolean): string | undefined {
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at + 2)) {
    if (!text.startsWith('{{resolve:', at)) {
      const end = text.indexOf('}}', at);
      if (end !== -1)
        return `rendered before use: a Helm/Go template expression ${text.slice(at, Math.min(end + 2, at + 60))}`;
    }
  }
  if (cloudFormation) return undefined;
  for (const value of values) {
    const found = placeholder(value, 0);
    if (found) return `rendered before use: the envsubst placeholder ${found}`;
  }
  return undefined;
}

function placeholder(value: unknown, depth: number): string | undefined {
  if (depth > 100) return undefined;
  if (typeof value === 'string') return PLACEHOLDER.exec(value)?.[0];
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = placeholder(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (SCRIPT_KEYS.has(key)) continue;
    const found = placeholder(item, depth + 1);
    if (found) return found;
  }
  return undefined;
}
