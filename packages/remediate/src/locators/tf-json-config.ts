/**
 * An add-on's `configuration_values` written as JSON text: a quoted string or a heredoc (directly, or in the local or
 * variable it reads). The JSON itself is edited, its layout kept where it can be: a value replaced where it stands,
 * keys added at the document's indentation (a one-line document stays on one line, as eksctl's does). The result must parse as JSON
 * and hold the planned values, or the change is refused.
 */
import { applyEdits as applyJsonEdits, type FormattingOptions, modify, type ParseError, parse } from 'jsonc-parser';
import { render } from '../hcl/edit.ts';
import { originOf, type Scope } from '../hcl/evaluate.ts';
import { heredocBody, heredocEdit } from '../hcl/heredoc.ts';
import { type HclDoc, textOf, unquote } from '../hcl/model.ts';
import type { HclNode } from '../hcl/parser.ts';
import type { TextEdit } from '../text-edit.ts';
import { EditError } from '../tree/types.ts';
import { setCniEnv } from './eksctl.ts';
import { readThrough } from './tf-sharing.ts';

type Env = Record<string, string>;

/**
 * The edit that sets `env` in JSON-text configuration_values, `{ edit: undefined }` when it already holds it, or
 * undefined when the value is not JSON text (jsonencode and the rest are for the caller).
 */
export function jsonTextEdit(
  doc: HclDoc,
  expr: HclNode,
  env: Env,
  scope: Scope,
): { doc: HclDoc; node: HclNode; edit: TextEdit | undefined } | undefined {
  const origin = originOf(expr, { ...scope, doc });
  if ('refusal' in origin) throw new EditError(`configuration_values: ${origin.refusal}`);
  const node = origin.expr.children.length === 1 ? origin.expr.children[0] : undefined;
  const inner = node?.children[0];
  const quoted = node?.type === 'literal_value' && inner?.type === 'string_lit';
  const heredoc = node?.type === 'template_expr' && inner?.type === 'heredoc_template';
  if (node?.type === 'template_expr' && inner?.type === 'quoted_template')
    throw new EditError('configuration_values is a string with Terraform interpolations: computed');
  if (!node || !inner || !(quoted || heredoc)) return undefined;
  for (const reference of origin.via) readThrough(reference, 'configuration_values', { ...scope, doc }, expr);
  if (quoted) {
    const next = editEnv(unquote(textOf(origin.doc, inner)), env);
    return { doc: origin.doc, node: inner, edit: next === undefined ? undefined : replace(inner, render(next)) };
  }
  if (inner.children.some((child) => child.type === 'template_interpolation' || child.type === 'template_directive'))
    throw new EditError('configuration_values is a heredoc with Terraform interpolations: computed');
  const body = heredocBody(origin.doc, inner);
  const next = editEnv(body.text, env);
  return { doc: origin.doc, node: inner, edit: next === undefined ? undefined : heredocEdit(body, next) };
}

function replace(node: HclNode, content: string): TextEdit {
  return { offset: node.start, length: node.end - node.start, content };
}

function parseObject(json: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value = parse(json, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length || typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EditError('configuration_values is not a JSON object');
  return value as Record<string, unknown>;
}

/** The JSON with `env` set, or undefined when it holds it already. */
export function editEnv(json: string, env: Env): string | undefined {
  const current = parseObject(json).env ?? {};
  if (typeof current !== 'object' || current === null || Array.isArray(current))
    throw new EditError('configuration_values env is not a JSON object');
  const missing = Object.entries(env).filter(([key, value]) => (current as Env)[key] !== value);
  if (missing.length === 0) return undefined;
  // One line: eksctl's in-place edit (a new key before the closing brace, in the separator style the object uses).
  let out = json;
  if (!json.trim().includes('\n')) out = setCniEnv(json, Object.fromEntries(missing));
  else {
    const formattingOptions = formattingOf(json);
    for (const [key, value] of missing)
      out = applyJsonEdits(out, modify(out, ['env', key], value, { formattingOptions }));
  }
  // Read back: the text parses and holds every planned value.
  const after = parseObject(out).env as Env;
  if (Object.entries(env).some(([key, value]) => after?.[key] !== value))
    throw new EditError('configuration_values does not read back as planned');
  return out;
}

function formattingOf(json: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(json)?.[1] ?? '  ';
  const eol = json.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}
