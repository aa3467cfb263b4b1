/**
 * maxPods in a Terraform launch template's `user_data`: `base64encode(<<-EOT … EOT)`, `base64encode("…")` or a
 * heredoc in a local / variable default it reads, in the forms of user-data.ts (AL2 bootstrap flags, AL2023 NodeConfig,
 * Bottlerocket TOML). The heredoc's lines are edited in place, at their own indentation; Terraform interpolations
 * stay as written; commented-out lines of the script are never edited. User data rendered from a file
 * (`templatefile`, `file`, `filebase64`) is refused: what the repository holds there is not what the node runs.
 */
import { originOf, type Scope } from '../hcl/evaluate.ts';
import { heredocBody, heredocEdit } from '../hcl/heredoc.ts';
import { type HclDoc, textOf } from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import type { TextEdit } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import { readThrough } from './tf-sharing.ts';
import { editUserDataMaxPods } from './user-data.ts';

const RENDERED = ['templatefile', 'file', 'filebase64', 'templatestring'];
const ENCODERS = ['base64encode', 'base64gzip'];

/**
 * The heredoc that holds the script of a `user_data` expression (followed through the local or variable it reads,
 * when only this launch template reads it), or why there is none.
 */
export function userDataLiteral(scope: Scope, expr: HclNode): { doc: HclDoc; node: HclNode } {
  const origin = originOf(expr, scope);
  if ('refusal' in origin) throw new EditError(`user_data: ${origin.refusal}`);
  for (const reference of origin.via) readThrough(reference, 'user_data', scope, expr);
  const doc = origin.doc;
  const at = origin.expr;
  let node = at.type === 'expression' && at.children.length === 1 ? at.children[0]! : at;
  if (node.type === 'function_call') {
    const name = textOf(doc, node.children[0]!);
    if (RENDERED.includes(name))
      throw new EditError(`user_data is rendered by ${name}(…) before use: edit the template file by hand`);
    const args = node.children.find((child) => child.type === 'function_arguments')?.children ?? [];
    if (!ENCODERS.includes(name) || args.length !== 1) throw new EditError(`user_data is computed by ${name}(…)`);
    return userDataLiteral({ ...scope, doc }, args[0]!);
  }
  if (node.type === 'template_expr') node = node.children[0]!;
  if (node.type === 'heredoc_template') return { doc, node };
  if (node.type === 'literal_value' || node.type === 'quoted_template')
    throw new EditError('user_data is a one-line quoted string: write it as a heredoc to have it edited');
  const text = textOf(doc, at).trim();
  const rendered = RENDERED.find((name) => text.includes(`${name}(`));
  if (rendered)
    throw new EditError(`user_data is rendered by ${rendered}(…) before use: edit the template file by hand`);
  throw new EditError(`user_data is computed (${text.slice(0, 50)})`);
}

/** The edit that sets maxPods in a heredoc; undefined when it already holds the value. */
export function editHeredocMaxPods(doc: HclDoc, heredoc: HclNode, maxPods: number): TextEdit | undefined {
  const body = heredocBody(doc, heredoc);
  if (/%\{/.test(body.raw.replace(/%%\{/g, '')))
    throw new EditError('the user data holds template directives (%{ … }): rendered before use');
  const { masked, restore } = maskComments(body.text);
  const edited = editUserDataMaxPods(masked, maxPods);
  if ('refusal' in edited) throw new EditError(`user_data: ${edited.refusal}`);
  if (edited.text === masked) return undefined;
  return heredocEdit(body, restore(edited.text));
}

/**
 * Commented-out shell or YAML lines (`# /etc/eks/bootstrap.sh …`) are hidden from the editor behind markers, so
 * they are neither counted as a second bootstrap call nor changed, then put back as they were.
 */
function maskComments(text: string): { masked: string; restore: (edited: string) => string } {
  const hidden: string[] = [];
  const masked = text
    .split('\n')
    .map((line) => {
      const trimmed = line.trimStart();
      if (!trimmed.startsWith('#') || trimmed.startsWith('#!')) return line;
      hidden.push(line);
      return `# podnet-guard-hidden-${hidden.length - 1}`;
    })
    .join('\n');
  const restore = (edited: string) =>
    edited
      .split('\n')
      .map((line) => {
        const match = /^# podnet-guard-hidden-(\d+)$/.exec(line);
        return match ? hidden[Number(match[1])]! : line;
      })
      .join('\n');
  return { masked, restore };
}
