/**
 * Reads the maxPods a node's user data sets, for the three ways EKS nodes boot: AL2 `/etc/eks/bootstrap.sh`
 * (`--use-max-pods`, kubelet `--max-pods` inside `--kubelet-extra-args`), AL2023 nodeadm `NodeConfig`
 * (`spec.kubelet.config.maxPods`, `spec.kubelet.maxPodsExpression`, kubelet flags), usually inside MIME multipart,
 * and Bottlerocket TOML (`settings.kubernetes.max-pods`). Managed node groups write their value into EKS's own
 * launch template (`eks-…`); this reads whatever user data it is given.
 */
import { parseAllYamlDocuments } from '../yaml.ts';

/** Where a maxPods value was found. */
export type UserDataMaxPodsSource =
  | 'kubelet-extra-args'
  | 'nodeadm maxPods'
  | 'nodeadm maxPodsExpression'
  | 'nodeadm kubelet flags'
  | 'bottlerocket settings.kubernetes.max-pods'
  | 'none';

/** What {@link readMaxPodsFromUserData} found. */
export interface UserDataMaxPods {
  /** The value set; undefined when none is set or it is not a literal (see `expression`). */
  maxPods?: number;
  source: UserDataMaxPodsSource;
  /** How the node boots, from what the user data calls or declares. */
  format: 'al2-bootstrap' | 'nodeadm' | 'bottlerocket' | 'unknown';
  /**
   * AL2 `bootstrap.sh --use-max-pods` (default true: maxPods from the AMI's eni-max-pods.txt). `false` without a
   * kubelet `--max-pods` leaves the kubelet default of 110.
   */
  useMaxPods?: boolean;
  /** A nodeadm `maxPodsExpression`, or the text of a non-literal `--max-pods` (e.g. `${max_pods}`). */
  expression?: string;
  /** True when the user data runs max-pods-calculator.sh with `--cni-prefix-delegation-enabled`. */
  prefixDelegation?: boolean;
}

interface Part {
  contentType: string | undefined;
  body: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes base64 text, or returns undefined when it is not base64 of UTF-8 text. */
function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 8 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  try {
    const decoded = utf8.decode(Uint8Array.from(atob(compact), (c) => c.charCodeAt(0)));
    // Text, not binary (gzip user data stays unread).
    return hasControlCharacters(decoded) ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** True for control characters other than tab, line feed, vertical tab, form feed and carriage return. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && (code < 0x09 || code > 0x0d)) return true;
  }
  return false;
}

/** MIME headers podnet-guard reads; a narrow set, so a YAML key such as `apiVersion:` is never taken for one. */
const MIME_HEADER = /^(content-[a-z-]+|mime-version)\s*:(.*)$/i;

/**
 * Splits leading MIME headers from the body: headers run until a blank line or the first line that is not one
 * (EKS writes `Content-Type: text/x-shellscript` straight above `#!/bin/bash`, with no blank line).
 */
function splitHeaders(text: string): { headers: Map<string, string>; body: string } {
  const headers = new Map<string, string>();
  const lines = text.split('\n');
  let i = 0;
  let last: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const header = MIME_HEADER.exec(line);
    if (header) {
      last = header[1]!.toLowerCase();
      headers.set(last, header[2]!.trim());
    } else if (last && /^[ \t]+\S/.test(line)) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`); // folded header line
    } else {
      if (line.trim() === '' && headers.size > 0) i += 1;
      break;
    }
  }
  return { headers, body: lines.slice(i).join('\n') };
}

function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\//i.test(contentType)) return undefined;
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Splits MIME multipart user data (as EC2 and EKS write it) into parts; anything else is one part. */
function splitParts(text: string, depth = 0): Part[] {
  const { headers, body } = splitHeaders(text);
  const boundary = boundaryOf(headers.get('content-type'));
  if (!boundary || depth > 3) return [{ contentType: undefined, body: text }];
  const delimiter = new RegExp(`^--${escapeRegExp(boundary)}(--)?[ \\t]*$`, 'm');
  const chunks = body.split(delimiter);
  const parts: Part[] = [];
  // split() with a capture group interleaves the `--` captures: [preamble, capture, body, capture, body, …].
  for (let i = 2; i < chunks.length; i += 2) parts.push(...partOf(chunks[i] ?? '', chunks[i - 1], depth));
  return parts;
}

function partOf(chunk: string, closing: string | undefined, depth: number): Part[] {
  // The chunk after a closing delimiter (`--boundary--`) is the epilogue.
  if (closing === '--') return [];
  const { headers, body: raw } = splitHeaders(chunk.replace(/^\n/, ''));
  const contentType = headers.get('content-type');
  const encoded = headers.get('content-transfer-encoding')?.toLowerCase() === 'base64';
  const body = encoded ? (decodeBase64Text(raw) ?? '') : raw;
  if (boundaryOf(contentType)) return splitParts(`Content-Type: ${contentType}\n\n${body}`, depth + 1);
  return [{ contentType: contentType?.split(';')[0]?.trim().toLowerCase(), body }];
}

/** Shell words of one command line: quotes and backslashes resolved, stopping at an unquoted `;`, `&`, `|` or `#`. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end + 1;
    } else if (c === '"') {
      word = word ?? '';
      i += 1;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i += 1;
        word += line[i];
        i += 1;
      }
      i += 1;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i += 2;
    } else if (c === ' ' || c === '\t') {
      push();
      i += 1;
    } else if (c === ';' || c === '&' || c === '|' || (c === '#' && word === undefined)) {
      break;
    } else {
      word = (word ?? '') + c;
      i += 1;
    }
  }
  push();
  return words;
}

/** The last `--max-pods` among kubelet flags (the kubelet keeps the last), as given. */
function kubeletMaxPodsFlag(words: string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('--max-pods=')) value = word.slice('--max-pods='.length);
    else if (word === '--max-pods' && i + 1 < words.length) value = words[++i];
  }
  return value;
}

function literalCount(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function fromKubeletFlag(value: string, source: UserDataMaxPodsSource): Partial<UserDataMaxPods> {
  const maxPods = literalCount(value);
  return maxPods !== undefined ? { maxPods, source } : { expression: value, source };
}

/** Reads an AL2 shell script: bootstrap.sh arguments and max-pods-calculator.sh flags. */
function readShell(body: string): Partial<UserDataMaxPods> | undefined {
  const lines = body.replace(/\\\r?\n/g, ' ').split('\n');
  let found: Partial<UserDataMaxPods> | undefined;
  for (const line of lines) {
    const words = shellWords(line);
    const calculator = words.findIndex((w) => w.endsWith('max-pods-calculator.sh'));
    // The calculator usually runs inside `$(…)`, so its last word may carry the closing parenthesis.
    const calculatorFlags = words.slice(calculator + 1).map((w) => w.replace(/\)+$/, ''));
    if (calculator >= 0 && calculatorFlags.includes('--cni-prefix-delegation-enabled')) {
      found = { ...found, prefixDelegation: true };
    }
    const bootstrap = words.findIndex((w) => w === 'bootstrap.sh' || w.endsWith('/bootstrap.sh'));
    if (bootstrap < 0) continue;
    found = { ...found, format: 'al2-bootstrap' };
    const args = words.slice(bootstrap + 1);
    for (let i = 0; i < args.length; i++) {
      // bootstrap.sh reads every option's value from the next word ($2); it has no --max-pods option of its own.
      if (args[i] === '--use-max-pods' && i + 1 < args.length) found.useMaxPods = args[++i] === 'true';
      else if (args[i] === '--kubelet-extra-args' && i + 1 < args.length) {
        const flag = kubeletMaxPodsFlag(shellWords(args[++i]!));
        if (flag !== undefined) Object.assign(found, fromKubeletFlag(flag, 'kubelet-extra-args'));
      }
    }
  }
  return found;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads nodeadm NodeConfig documents; later documents override earlier ones, as nodeadm merges them. */
function readNodeConfig(body: string): Partial<UserDataMaxPods> | undefined {
  let found: Partial<UserDataMaxPods> | undefined;
  let flagValue: string | undefined;
  let configMaxPods: number | undefined;
  let expression: string | undefined;
  for (const doc of parseAllYamlDocuments(body)) {
    if (!('errors' in doc) || doc.errors.length > 0) continue;
    const root = record(doc.toJS());
    if (root?.kind !== 'NodeConfig' || typeof root.apiVersion !== 'string') continue;
    if (!root.apiVersion.startsWith('node.eks.aws/')) continue;
    found = { format: 'nodeadm' };
    const kubelet = record(record(root.spec)?.kubelet);
    const maxPods = record(kubelet?.config)?.maxPods;
    if (typeof maxPods === 'number' && Number.isInteger(maxPods)) configMaxPods = maxPods;
    const expr = kubelet?.maxPodsExpression;
    if (typeof expr === 'string' || typeof expr === 'number') expression = String(expr);
    if (Array.isArray(kubelet?.flags)) {
      const flag = kubeletMaxPodsFlag(
        kubelet.flags.filter((f): f is string => typeof f === 'string').flatMap(shellWords),
      );
      if (flag !== undefined) flagValue = flag;
    }
  }
  if (!found) return undefined;
  // Precedence: kubelet flags over the kubelet config, and an explicit maxPods over maxPodsExpression.
  if (flagValue !== undefined) Object.assign(found, fromKubeletFlag(flagValue, 'nodeadm kubelet flags'));
  else if (configMaxPods !== undefined) Object.assign(found, { maxPods: configMaxPods, source: 'nodeadm maxPods' });
  else if (expression !== undefined) {
    const literal = literalCount(expression);
    Object.assign(found, {
      source: 'nodeadm maxPodsExpression',
      ...(literal !== undefined ? { maxPods: literal } : {}),
    });
  }
  if (expression !== undefined) found.expression = expression;
  return found;
}

function tomlKeyPath(text: string): string {
  return text
    .split('.')
    .map((part) => part.trim().replace(/^"(.*)"$|^'(.*)'$/, '$1$2'))
    .join('.');
}

/** Reads Bottlerocket TOML: only `settings.kubernetes.max-pods`, as a table key or a dotted key. */
function readBottlerocket(body: string): Partial<UserDataMaxPods> | undefined {
  let table = '';
  let sawSettings = false;
  let found: Partial<UserDataMaxPods> | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = tomlKeyPath(header[1]!);
      if (table === 'settings' || table.startsWith('settings.')) sawSettings = true;
      continue;
    }
    const assignment = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ])+?)\s*=\s*(.+)$/.exec(line);
    if (!assignment) continue;
    const key = tomlKeyPath(assignment[1]!);
    const path = table ? `${table}.${key}` : key;
    if (path.startsWith('settings.')) sawSettings = true;
    if (path !== 'settings.kubernetes.max-pods') continue;
    const value = assignment[2]!.trim().replace(/_/g, '');
    const maxPods = literalCount(value);
    found = maxPods !== undefined ? { maxPods } : { expression: assignment[2]!.trim() };
  }
  if (!sawSettings) return undefined;
  return {
    format: 'bottlerocket',
    ...found,
    ...(found ? { source: 'bottlerocket settings.kubernetes.max-pods' as const } : {}),
  };
}

/** The parts of user data, decoded (base64 when the whole input is base64) and split (MIME multipart). */
function userDataParts(userData: string): Part[] {
  let text = userData.replace(/\r\n/g, '\n');
  text = decodeBase64Text(text) ?? text;
  return splitParts(text.replace(/\r\n/g, '\n'));
}

/** True when reading the user data parses YAML (a nodeadm `NodeConfig` part): see yaml.ts. */
export function userDataHasNodeConfig(userData: string): boolean {
  return userDataParts(userData).some(looksLikeNodeConfig);
}

function looksLikeNodeConfig(part: Part): boolean {
  return part.contentType === 'application/node.eks.aws' || /^kind:\s*NodeConfig\s*$/m.test(part.body);
}

/**
 * The maxPods that user data sets, and where. Takes decoded text (base64 is decoded when the whole input is base64,
 * as DescribeLaunchTemplateVersions returns it). `source: 'none'` when nothing sets it: the node then uses its
 * boot method's default (AL2: eni-max-pods.txt unless `useMaxPods` is false; nodeadm and Bottlerocket: computed).
 *
 * @example
 * readMaxPodsFromUserData("/etc/eks/bootstrap.sh prod --use-max-pods false --kubelet-extra-args '--max-pods=110'");
 * // { maxPods: 110, source: 'kubelet-extra-args', format: 'al2-bootstrap', useMaxPods: false }
 */
export function readMaxPodsFromUserData(userData: string): UserDataMaxPods {
  const results: Partial<UserDataMaxPods>[] = [];
  for (const part of userDataParts(userData)) {
    const read = looksLikeNodeConfig(part)
      ? readNodeConfig(part.body)
      : (readShell(part.body) ?? (part.contentType === undefined ? readBottlerocket(part.body) : undefined));
    if (read) results.push(read);
  }
  const setting = results.find((r) => r.source !== undefined);
  const format = setting?.format ?? results.find((r) => r.format !== undefined)?.format ?? 'unknown';
  const prefixDelegation = results.some((r) => r.prefixDelegation) ? { prefixDelegation: true } : {};
  const useMaxPods = results.find((r) => r.useMaxPods !== undefined)?.useMaxPods;
  return {
    ...(setting?.maxPods !== undefined ? { maxPods: setting.maxPods } : {}),
    source: setting?.source ?? 'none',
    format,
    ...(useMaxPods !== undefined ? { useMaxPods } : {}),
    ...(setting?.expression !== undefined ? { expression: setting.expression } : {}),
    ...prefixDelegation,
  };
}
