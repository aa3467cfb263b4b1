/**
 * YAML, loaded on first need. The `yaml` package is about 117 KiB bundled, and most CloudTrail events are judged
 * without reading any YAML, so the Lambda bundles keep it out of their start-up code (a chunk of its own, see
 * README "npm run bench"). Only two inventory facts are YAML: a `vpc-cni` add-on's `configurationValues` (JSON or
 * YAML) and launch-template user data (a nodeadm `NodeConfig`).
 *
 * Parsing stays synchronous for the detectors: a caller that builds an inventory loads the parser first
 * (`loadYamlParserFor(inventory)` in yaml-needs.ts, or `loadYamlParser()`), or registers a module it already imported
 * (`useYamlParser`). Evaluating an inventory that holds YAML without it throws {@link YamlParserNotLoaded}, never a
 * quiet "unknown".
 */
import type * as YamlModule from 'yaml';
import { PodnetGuardError } from './errors.ts';

type Yaml = typeof YamlModule;

let yaml: Yaml | undefined;

/** Imports the YAML parser (once). */
export async function loadYamlParser(): Promise<void> {
  yaml ??= await import('yaml');
}

/** Registers an already imported `yaml` module. */
export function useYamlParser(module: Yaml): void {
  yaml = module;
}

/** True once the parser is loaded. */
export function yamlParserLoaded(): boolean {
  return yaml !== undefined;
}

/**
 * One document, JSON or YAML. JSON is read with `JSON.parse` (YAML 1.2 reads JSON to the same values, so the parser is
 * loaded only for text that is not JSON; a JSON text with a repeated key keeps the last value instead of being
 * refused). Throws what `yaml` throws on bad input, and {@link YamlParserNotLoaded}.
 */
export function parseYaml(text: string): unknown {
  const json = jsonValue(text);
  if (json.ok) return json.value;
  if (!yaml) throw new YamlParserNotLoaded();
  return yaml.parse(text);
}

/** True when `text` is JSON, so {@link parseYaml} reads it without the YAML parser. */
export function isJsonText(text: string): boolean {
  return jsonValue(text).ok;
}

function jsonValue(text: string): { ok: true; value: unknown } | { ok: false } {
  // Only objects and arrays: a bare YAML scalar such as `1.0` or `"x"` is left to YAML.
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** `yaml`'s `parseAllDocuments`: every document of a multi-document stream. */
export function parseAllYamlDocuments(text: string): ReturnType<Yaml['parseAllDocuments']> {
  if (!yaml) throw new YamlParserNotLoaded();
  return yaml.parseAllDocuments(text);
}

/** YAML was to be read before the parser was loaded: a caller skipped `loadYamlParserFor`. */
export class YamlParserNotLoaded extends PodnetGuardError {
  constructor() {
    super('YAML needs the parser: call loadYamlParserFor(inventory) (or loadYamlParser) before evaluating');
  }
}
