/**
 * What a `vpc-cni` add-on configuration (`configurationValues`, JSON or YAML) sets: read in one place for the
 * capacity math (prefix delegation, warm targets) and the SGP signal (`ENABLE_POD_ENI`).
 */
import type { Addon } from '../types/inventory.ts';
import { parseYaml, YamlParserNotLoaded } from '../yaml.ts';

/**
 * The `env` map of a `vpc-cni` add-on configuration (JSON or YAML), values as text; `{}` when it sets none, undefined
 * when it cannot be read.
 *
 * @example vpcCniEnv({ clusterName: 'prod', name: 'vpc-cni', configurationValues: '{"env":{"A":"1"}}' }) // { A: '1' }
 */
export function vpcCniEnv(addon: Addon): Record<string, string> | undefined {
  const text = addon.configurationValues?.trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    // YAML 1.2 reads JSON too, and configurationValues takes both.
    parsed = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlParserNotLoaded) throw error;
    return undefined;
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object') return undefined;
  const env = (parsed as Record<string, unknown>).env;
  if (env === null || env === undefined) return {};
  if (typeof env !== 'object') return undefined;
  return Object.fromEntries(Object.entries(env as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
}
