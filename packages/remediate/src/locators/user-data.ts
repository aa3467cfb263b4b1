/**
 * Sets maxPods in node user data, in the form the node image reads: AL2 `bootstrap.sh --use-max-pods false
 * --kubelet-extra-args '--max-pods=N'` (bootstrap.sh has no `--max-pods` flag of its own), AL2023 nodeadm `NodeConfig`
 * `spec.kubelet.config.maxPods` (alone or in a MIME multipart part), Bottlerocket TOML `settings.kubernetes.max-pods`
 * (the one line edited, the TOML parsed again). Every edit is read back with core's user-data reader.
 */
import { readMaxPodsFromUserData, useYamlParser } from '@podnet-guard/core';
import { parse as parseToml } from 'smol-toml';
import * as yaml from 'yaml';
import { applyEdits, type TextEdit } from '../text-edit.ts';
import { isRecord, valueAt } from '../tree/types.ts';
import { parseYaml } from '../tree/yaml-tree.ts';

export type UserDataEdit = { text: string } | { refusal: string };

/** The user data with maxPods set to `maxPods`, or why it cannot be set safely. */
export function editUserDataMaxPods(userData: string, maxPods: number): UserDataEdit {
  let edited: UserDataEdit;
  try {
    edited = editAny(userData, maxPods);
  } catch (error) {
    return { refusal: error instanceof Error ? error.message : String(error) };
  }
  if ('refusal' in edited) return edited;
  // This package reads YAML anyway: core's reader uses the same module (core loads it only on first need).
  useYamlParser(yaml);
  const read = readMaxPodsFromUserData(edited.text);
  if (read.maxPods !== maxPods) return { refusal: `the edited user data does not read back maxPods ${maxPods}` };
  return edited;
}

function editAny(text: string, maxPods: number): UserDataEdit {
  const boundary = mimeBoundary(text);
  if (boundary) return editMultipart(text, boundary, maxPods);
  if (/^apiVersion:\s*node\.eks\.aws\//m.test(text)) return editNodeConfig(text, maxPods);
  if (/^\s*\[settings[.\]]/m.test(text)) return editBottlerocket(text, maxPods);
  if (text.includes('/etc/eks/bootstrap.sh')) return editBootstrapLine(text, maxPods);
  return { refusal: 'the user data holds no bootstrap.sh call, NodeConfig or Bottlerocket settings to set maxPods in' };
}

function mimeBoundary(text: string): string | undefined {
  const head = text.slice(0, text.search(/\n\s*\n/) === -1 ? text.length : text.search(/\n\s*\n/));
  if (!/content-type:\s*multipart\//i.test(head)) return undefined;
  return /boundary="?([^";\s]+)"?/i.exec(head)?.[1];
}

/** Edits the one part that sets maxPods (a NodeConfig or a bootstrap script); two such parts are ambiguous. */
function editMultipart(text: string, boundary: string, maxPods: number): UserDataEdit {
  const lines = text.split('\n');
  const parts: { start: number; end: number }[] = [];
  let offset = 0;
  let open: number | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}` || trimmed === `--${boundary}--`) {
      if (open !== undefined) parts.push({ start: open, end: offset });
      open = trimmed.endsWith('--') && trimmed !== `--${boundary}` ? undefined : offset + line.length + 1;
    }
    offset += line.length + 1;
  }
  const editable: { start: number; end: number; body: number; type: string }[] = [];
  for (const part of parts) {
    const chunk = text.slice(part.start, part.end);
    const blank = chunk.search(/\n\s*\n/);
    if (blank === -1) continue;
    const type = /content-type:\s*([^;\s]+)/i.exec(chunk.slice(0, blank))?.[1]?.toLowerCase() ?? '';
    const body = part.start + blank + chunk.slice(blank).indexOf('\n', 1) + 1;
    if (
      type === 'application/node.eks.aws' ||
      (type === 'text/x-shellscript' && text.slice(body, part.end).includes('/etc/eks/bootstrap.sh'))
    )
      editable.push({ ...part, body, type });
  }
  const nodeConfigs = editable.filter((part) => part.type === 'application/node.eks.aws');
  const chosen = nodeConfigs.length ? nodeConfigs : editable;
  if (chosen.length === 0)
    return { refusal: 'no MIME part of the user data sets maxPods (no NodeConfig, no bootstrap.sh call)' };
  if (chosen.length > 1) return { refusal: `${chosen.length} MIME parts of the user data could set maxPods` };
  const part = chosen[0]!;
  const body = text.slice(part.body, part.end);
  const edited =
    part.type === 'application/node.eks.aws' ? editNodeConfig(body, maxPods) : editBootstrapLine(body, maxPods);
  if ('refusal' in edited) return edited;
  return { text: text.slice(0, part.body) + edited.text + text.slice(part.end) };
}

function editNodeConfig(text: string, maxPods: number): UserDataEdit {
  const parsed = parseYaml('user-data', text);
  if (parsed.errors.length) return { refusal: `the NodeConfig does not parse: ${parsed.errors[0]}` };
  const docs = parsed.docs.filter((doc) => isRecord(doc.value) && doc.value.kind === 'NodeConfig');
  if (docs.length !== 1) return { refusal: `${docs.length} NodeConfig documents in the user data` };
  const doc = docs[0]!;
  const value = doc.value;
  if (valueAt(value, ['spec', 'kubelet', 'maxPodsExpression']) !== undefined)
    return { refusal: 'the NodeConfig computes maxPods with maxPodsExpression' };
  let edits: TextEdit[];
  if (valueAt(value, ['spec', 'kubelet', 'config', 'maxPods']) === maxPods) return { text };
  if (valueAt(value, ['spec', 'kubelet', 'config', 'maxPods']) !== undefined)
    edits = doc.replace(['spec', 'kubelet', 'config', 'maxPods'], maxPods);
  else if (isRecord(valueAt(value, ['spec', 'kubelet', 'config'])))
    edits = doc.insert(['spec', 'kubelet', 'config'], 'maxPods', maxPods);
  else if (isRecord(valueAt(value, ['spec', 'kubelet'])))
    edits = doc.insert(['spec', 'kubelet'], 'config', { maxPods });
  else if (isRecord(valueAt(value, ['spec']))) edits = doc.insert(['spec'], 'kubelet', { config: { maxPods } });
  else return { refusal: 'the NodeConfig has no spec' };
  return { text: applyEdits(text, edits) };
}

function editBottlerocket(text: string, maxPods: number): UserDataEdit {
  try {
    parseToml(text);
  } catch (error) {
    return { refusal: `the Bottlerocket settings are not valid TOML: ${(error as Error).message.split('\n')[0]}` };
  }
  const lines = text.split('\n');
  const header = lines.findIndex((line) => line.trim() === '[settings.kubernetes]');
  let next: string;
  if (header === -1) {
    next = `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}\n[settings.kubernetes]\nmax-pods = ${maxPods}\n`;
  } else {
    let end = lines.findIndex((line, index) => index > header && line.trim().startsWith('['));
    if (end === -1) end = lines.length;
    const existing = lines.findIndex(
      (line, index) => index > header && index < end && /^\s*"?max-pods"?\s*=/.test(line),
    );
    if (existing !== -1) lines[existing] = `max-pods = ${maxPods}`;
    else lines.splice(header + 1, 0, `max-pods = ${maxPods}`);
    next = lines.join('\n');
  }
  let parsed: unknown;
  try {
    parsed = parseToml(next);
  } catch (error) {
    return { refusal: `the edited TOML does not parse: ${(error as Error).message.split('\n')[0]}` };
  }
  if (valueAt(parsed, ['settings', 'kubernetes', 'max-pods']) !== maxPods)
    return { refusal: 'settings.kubernetes.max-pods does not read back' };
  return { text: next };
}

interface Token {
  start: number;
  end: number;
  value: string;
}

/** Shell words of a command, with their spans; a backslash-newline is blank, a quote keeps its word together. */
function shellWords(text: string, from: number, to: number): Token[] {
  const tokens: Token[] = [];
  let index = from;
  while (index < to) {
    while (
      index < to &&
      (text[index] === ' ' || text[index] === '\t' || (text[index] === '\\' && text[index + 1] === '\n'))
    )
      index += text[index] === '\\' ? 2 : 1;
    if (index >= to) break;
    const start = index;
    let value = '';
    while (
      index < to &&
      text[index] !== ' ' &&
      text[index] !== '\t' &&
      !(text[index] === '\\' && text[index + 1] === '\n')
    ) {
      const quote = text[index];
      if (quote === "'" || quote === '"') {
        const close = text.indexOf(quote, index + 1);
        if (close === -1 || close >= to) throw new Error('an unclosed quote in the bootstrap command');
        value += text.slice(index + 1, close);
        index = close + 1;
      } else value += text[index++];
    }
    tokens.push({ start, end: index, value });
  }
  return tokens;
}

/** End of the shell command starting at `from`: the line end, past backslash continuations. */
function commandEnd(text: string, from: number): number {
  let index = from;
  for (;;) {
    const end = text.indexOf('\n', index);
    if (end === -1) return text.length;
    if (text[end - 1] !== '\\') return end;
    index = end + 1;
  }
}

const SHELL_OPERATORS = new Set(['&&', '||', ';', '|', '>', '>>', '&']);

function editBootstrapLine(text: string, maxPods: number): UserDataEdit {
  const calls: number[] = [];
  for (let at = text.indexOf('/etc/eks/bootstrap.sh'); at !== -1; at = text.indexOf('/etc/eks/bootstrap.sh', at + 1))
    calls.push(at);
  if (calls.length !== 1) return { refusal: `${calls.length} bootstrap.sh calls in the user data` };
  const start = calls[0]!;
  const tokens = shellWords(text, start, commandEnd(text, start));
  const stop = tokens.findIndex((token) => SHELL_OPERATORS.has(token.value));
  const words = stop === -1 ? tokens : tokens.slice(0, stop);
  const cluster = words[1];
  if (!cluster || cluster.value.startsWith('-'))
    return { refusal: 'bootstrap.sh is called without a cluster name first' };
  const edits: TextEdit[] = [];
  const useIndex = words.findIndex((word) => word.value === '--use-max-pods');
  const use = useIndex === -1 ? undefined : words[useIndex + 1];
  if (use && use.value !== 'false') edits.push({ offset: use.start, length: use.end - use.start, content: 'false' });
  const extraIndex = words.findIndex((word) => word.value === '--kubelet-extra-args');
  const extra = extraIndex === -1 ? undefined : words[extraIndex + 1];
  const prefix = useIndex === -1 ? ' --use-max-pods false' : '';
  if (extra) {
    const raw = text.slice(extra.start, extra.end);
    const quote = raw[0] === "'" || raw[0] === '"' ? raw[0] : '';
    const inner = quote ? raw.slice(1, -1) : raw;
    const flags = inner.split(/\s+/);
    const at = flags.findIndex((flag) => flag.startsWith('--max-pods'));
    if (at !== -1 && flags[at] === '--max-pods') return { refusal: 'kubelet --max-pods is given as two words' };
    if (at !== -1) flags[at] = `--max-pods=${maxPods}`;
    else flags.unshift(`--max-pods=${maxPods}`);
    const q = quote || "'";
    edits.push({
      offset: extra.start,
      length: extra.end - extra.start,
      content: `${q}${flags.filter(Boolean).join(' ')}${q}`,
    });
    if (prefix) edits.push({ offset: cluster.end, length: 0, content: prefix });
  } else {
    edits.push({ offset: cluster.end, length: 0, content: `${prefix} --kubelet-extra-args '--max-pods=${maxPods}'` });
  }
  return { text: applyEdits(text, edits) };
}

/** Bootstrap arguments alone (a CloudFormation parameter's Default): the same flags, in an argument string. */
export function editBootstrapArguments(args: string, maxPods: number): UserDataEdit {
  const head = '/etc/eks/bootstrap.sh cluster';
  const edited = editBootstrapLine(args ? `${head} ${args}` : head, maxPods);
  if ('refusal' in edited) return edited;
  return { text: edited.text.slice(head.length + 1) };
}
