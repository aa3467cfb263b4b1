/**
 * Terraform (HCL) syntax trees from tree-sitter's HCL grammar, run as WebAssembly (web-tree-sitter and the
 * tree-sitter-hcl.wasm that @tree-sitter-grammars/tree-sitter-hcl ships: no native build). The grammar loads lazily,
 * once, only when a repository holds a `.tf` or `.tfvars` file. Each tree is copied into plain nodes (type, source
 * range, children) and freed at once, so no WebAssembly memory outlives a parse.
 */
import { createRequire } from 'node:module';
import type { Node as TsNode, Parser as TsParser } from 'web-tree-sitter';

/** A syntax node: its type, its range in the source (string offsets) and its named children. */
export interface HclNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** The grammar field this node fills in its parent (`key`, `val` of an object element). */
  readonly field?: string;
  readonly children: HclNode[];
}

let loading: Promise<TsParser> | undefined;
let parser: TsParser | undefined;

/** Loads the HCL grammar (once); later calls return at once. */
export function loadHcl(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'));
    const instance = new Parser();
    instance.setLanguage(language);
    parser = instance;
    return instance;
  })();
  return loading.then(() => undefined);
}

/** Whether the grammar has been loaded (it is only for a repository with Terraform). */
export function isHclLoaded(): boolean {
  return parser !== undefined;
}

export function isHclPath(path: string): boolean {
  return path.endsWith('.tf') || path.endsWith('.tfvars');
}

export interface HclParse {
  root?: HclNode;
  errors: string[];
}

/** Parses HCL text; a syntax error anywhere is an error (the file is then never edited). */
export function parseHcl(text: string): HclParse {
  if (!parser) return { errors: ['the HCL grammar is not loaded'] };
  const tree = parser.parse(text);
  if (!tree) return { errors: ['the HCL parser returned no tree'] };
  try {
    const root = tree.rootNode;
    if (root.hasError) return { errors: [`a syntax error near line ${firstError(root)}`] };
    return { root: copy(root, undefined), errors: [] };
  } finally {
    tree.delete();
  }
}

function firstError(node: TsNode): number {
  if (node.isError || node.isMissing) return node.startPosition.row + 1;
  for (const child of node.children) if (child.hasError || child.isMissing) return firstError(child);
  return node.startPosition.row + 1;
}

function copy(node: TsNode, field: string | undefined): HclNode {
  const children: HclNode[] = [];
  node.namedChildren.forEach((child, index) => {
    const name = node.fieldNameForNamedChild(index) ?? undefined;
    children.push(copy(child, name));
  });
  return { type: node.type, start: node.startIndex, end: node.endIndex, ...(field ? { field } : {}), children };
}
