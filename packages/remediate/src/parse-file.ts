/**
 * Parses a repository file into documents the locators read (YAML, JSON, or `.template` of either) or, for `.tf` and
 * `.tfvars`, an HCL syntax tree (the grammar must be loaded first: {@link loadHcl}).
 */
import { isHclPath, parseHcl } from './hcl/parser.ts';

import { isTemplate } from './locators/cfn-model.ts';
import type { ParsedFile } from './locators/types.ts';
import { templatingReason } from './templating.ts';
import { parseJson } from './tree/json-tree.ts';
import type { TreeDoc } from './tree/types.ts';
import { parseYaml } from './tree/yaml-tree.ts';

export interface FileParse {
  file: ParsedFile;
  /** Parse errors: a file that does not parse is never edited (but may still be named as a templated candidate). */
  errors: string[];
}

export function parseFile(path: string, text: string): FileParse {
  if (isHclPath(path)) {
    const parsed = parseHcl(text);
    return {
      file: { path, text, docs: [], ...(parsed.root ? { hcl: { path, text, root: parsed.root } } : {}) },
      errors: parsed.errors,
    };
  }
  const json = path.endsWith('.json') || (path.endsWith('.template') && text.trimStart().startsWith('{'));
  let docs: TreeDoc[] = [];
  let errors: string[];
  if (json) {
    const parsed = parseJson(path, text);
    docs = parsed.doc ? [parsed.doc] : [];
    errors = parsed.errors;
  } else {
    const parsed = parseYaml(path, text);
    docs = parsed.docs;
    errors = parsed.errors;
  }
  const values = docs.map((doc) => doc.value);
  const cloudFormation = values.some(isTemplate);
  const templated = templatingReason(text, errors.length ? undefined : values, cloudFormation);
  return { file: { path, text, docs: errors.length ? [] : docs, ...(templated ? { templated } : {}) }, errors };
}
