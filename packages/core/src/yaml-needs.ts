/**
 * Whether judging an inventory reads YAML, so a caller loads the parser (yaml.ts) only then: a `vpc-cni` add-on
 * configuration that is not JSON, or launch-template user data with a nodeadm `NodeConfig` part.
 */
import { userDataHasNodeConfig } from './capacity/user-data.ts';
import type { InventoryData } from './types/inventory.ts';
import { isJsonText, loadYamlParser, YamlParserNotLoaded, yamlParserLoaded } from './yaml.ts';

type YamlFacts = Pick<InventoryData, 'addons' | 'launchTemplateVersions'>;

/** True when judging this inventory reads YAML. */
export function inventoryHasYaml(data: YamlFacts): boolean {
  return (
    data.addons.some((addon) => {
      const text = addon.configurationValues?.trim();
      return Boolean(text) && !isJsonText(text as string);
    }) || data.launchTemplateVersions.some((version) => version.userData && userDataHasNodeConfig(version.userData))
  );
}

/** Loads the YAML parser when the inventory holds YAML; imports nothing otherwise. */
export async function loadYamlParserFor(data: YamlFacts): Promise<void> {
  if (!yamlParserLoaded() && inventoryHasYaml(data)) await loadYamlParser();
}

/** Throws {@link YamlParserNotLoaded} when the inventory holds YAML and the parser is not loaded. */
export function assertYamlParserFor(data: YamlFacts): void {
  if (!yamlParserLoaded() && inventoryHasYaml(data)) throw new YamlParserNotLoaded();
}
