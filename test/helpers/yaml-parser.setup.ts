/**
 * Every test file starts with core's YAML parser loaded, as the production paths load it before judging an inventory
 * that holds YAML (`loadYamlParserFor`). test/core/yaml.test.ts checks the unloaded state in a fresh module, and
 * test/functions check that the event path loads it only when the inventory needs it.
 */
import { loadYamlParser } from '../../packages/core/src/yaml.ts';

await loadYamlParser();
