/**
 * The body of a heredoc (`<<EOT` / `<<-EOT`) as the text Terraform sees (`<<-` strips the common indentation), and
 * the edit that writes a new text back at the body's indentation, the opening and closing lines left as they are.
 */
import type { TextEdit } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import { dedent } from './evaluate.ts';
import { type HclDoc, textOf } from './model.ts';
import type { HclNode } from './parser.ts';

export interface HeredocBody {
  /** Where the body's first line starts and its last line ends (after its newline) in the file. */
  start: number;
  end: number;
  /** The body as written, and as Terraform reads it (dedented for `<<-`). */
  raw: string;
  text: string;
  /** The indentation `<<-` strips ('' for `<<`). */
  indent: string;
}

/** The body of a `heredoc_template` node. */
export function heredocBody(doc: HclDoc, heredoc: HclNode): HeredocBody {
  const opener = textOf(doc, heredoc);
  const start = heredoc.start + opener.indexOf('\n') + 1;
  const closing = heredoc.children.filter((child) => child.type === 'heredoc_identifier').at(-1);
  if (!closing || start <= heredoc.start) throw new EditError('the heredoc has no body');
  const end = doc.text.lastIndexOf('\n', closing.start) + 1;
  const raw = doc.text.slice(start, end);
  const stripped = /^<<-/.test(opener);
  return { start, end, raw, text: stripped ? dedent(raw) : raw, indent: stripped ? commonIndent(raw) : '' };
}

/** The edit that replaces the body with `text` (re-indented as the body was). */
export function heredocEdit(body: HeredocBody, text: string): TextEdit {
  const content = text
    .split('\n')
    .map((line) => (line ? body.indent + line : line))
    .join('\n');
  return { offset: body.start, length: body.end - body.start, content };
}

function commonIndent(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim());
  let indent = lines.length ? /^[ \t]*/.exec(lines[0]!)![0] : '';
  for (const line of lines) while (!line.startsWith(indent)) indent = indent.slice(0, -1);
  return indent;
}
