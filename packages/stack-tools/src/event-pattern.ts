/**
 * An EventBridge event-pattern matcher and validator, so the stack's rules can be checked against sample events without
 * AWS (no maintained npm package implements the documented semantics; `TestEventPattern` needs an account).
 *
 * Follows the EventBridge user guide ("Event patterns", "Arrays in EventBridge event patterns", "Matching null values
 * and empty strings", "Content filtering" / "Comparison operators") and Event Ruler, the engine behind it:
 * - a pattern object's keys are ANDed; the values of a leaf array are ORed; `$or` (2+ objects) ORs sub-patterns;
 * - an array in the event matches when any element matches (arrays are "crushed out"), and the fields a pattern names
 *   under one array must all come from the same element (Ruler's array-consistent matching);
 * - `exists` works on leaf values only: an object is not a leaf, `null` is.
 *
 * Known departures: numbers are compared by value (the service compares `300` and `300.0` by their JSON text, which a
 * parsed event no longer has); `cidr` takes dotted IPv4 and IPv6 text.
 */
import { parseIpAddress } from '@podnet-guard/core/cidr';

/**
 * A parsed event pattern: an object whose values are nested patterns or arrays of values and matchers. Typed as any
 * object so interfaces without an index signature (such as core's `EventPattern`) are accepted; the shape is checked
 * at run time.
 */
export type EventPattern = object;

/** One reason a pattern would be refused by EventBridge, with the JSON path where it was found. */
export interface EventPatternProblem {
  path: string;
  message: string;
}

/** An event pattern that EventBridge would refuse; `problems` says where and why. */
export class EventPatternError extends Error {
  readonly problems: EventPatternProblem[];
  constructor(problems: EventPatternProblem[]) {
    super(`invalid event pattern: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'EventPatternError';
    this.problems = problems;
  }
}

type Leaf = string | number | boolean | null;

/** A leaf matcher: `exists` looks at whether there are leaf values at all, the others test each value. */
type Matcher = { exists: boolean } | { test: (value: Leaf) => boolean };

type Node =
  | { kind: 'leaf'; matchers: Matcher[] }
  | { kind: 'object'; fields: [string, Node][]; alternatives: Node[][] };

const NUMERIC_LOWER = new Set(['>', '>=']);
const NUMERIC_UPPER = new Set(['<', '<=']);

/**
 * Lists what makes a pattern invalid for EventBridge (values not in arrays, unknown match types, malformed operators);
 * an empty list means the pattern is well formed.
 *
 * @example
 * validateEventPattern({ source: 'aws.ec2' }); // [{ path: 'source', message: 'must be an array of values or a nested pattern object' }]
 */
export function validateEventPattern(pattern: unknown): EventPatternProblem[] {
  const problems: EventPatternProblem[] = [];
  compileRoot(pattern, problems);
  return problems;
}

/**
 * True when EventBridge would route `event` to a rule with `pattern`. Throws `EventPatternError` for a pattern
 * EventBridge would refuse, so a typo never reads as "does not match".
 *
 * @example
 * matchesEventPattern({ source: ['aws.ec2'], detail: { eventName: [{ prefix: 'Authorize' }] } }, event);
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  const problems: EventPatternProblem[] = [];
  const root = compileRoot(pattern, problems);
  if (problems.length > 0 || !root) throw new EventPatternError(problems);
  return matchObject(root, event);
}

/** True when any of `patterns` matches `event` (a rule set on one bus). */
export function matchesAnyEventPattern(patterns: readonly EventPattern[], event: unknown): boolean {
  return patterns.some((pattern) => matchesEventPattern(pattern, event));
}

// ---- compiling (and validating) ----

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function compileRoot(pattern: unknown, problems: EventPatternProblem[]): Node | undefined {
  if (!isObject(pattern)) {
    problems.push({ path: '(root)', message: 'an event pattern must be a JSON object' });
    return undefined;
  }
  if (Object.keys(pattern).length === 0) {
    problems.push({ path: '(root)', message: 'an event pattern must name at least one field' });
    return undefined;
  }
  return compileObject(pattern, '', problems);
}

function compileObject(pattern: Record<string, unknown>, path: string, problems: EventPatternProblem[]): Node {
  const fields: [string, Node][] = [];
  const alternatives: Node[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const at = join(path, key);
    if (key === '$or' && Array.isArray(value)) {
      // Ruler reads `$or` as "or" only for an array of 2+ objects; anything else would be a silent field name, so refuse it.
      if (value.length < 2 || !value.every(isObject)) {
        problems.push({ path: at, message: '$or needs an array of at least two pattern objects' });
        continue;
      }
      alternatives.push(
        value.map((alternative, index) =>
          compileObject(alternative as Record<string, unknown>, join(at, index), problems),
        ),
      );
    } else if (Array.isArray(value)) {
      fields.push([key, { kind: 'leaf', matchers: compileLeafList(value, at, problems) }]);
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) problems.push({ path: at, message: 'a nested pattern must name a field' });
      fields.push([key, compileObject(value, at, problems)]);
    } else {
      problems.push({ path: at, message: 'must be an array of values or a nested pattern object' });
    }
  }
  return { kind: 'object', fields, alternatives };
}

function compileLeafList(values: unknown[], path: string, problems: EventPatternProblem[]): Matcher[] {
  if (values.length === 0) problems.push({ path, message: 'an empty array matches nothing' });
  const matchers: Matcher[] = [];
  values.forEach((value, index) => {
    const matcher = compileMatcher(value, join(path, index), problems);
    if (matcher) matchers.push(matcher);
  });
  return matchers;
}

function compileMatcher(value: unknown, path: string, problems: EventPatternProblem[]): Matcher | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return { test: (leaf) => leaf === value };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(problems, path, 'numbers must be finite');
    return { test: (leaf) => leaf === value };
  }
  if (Array.isArray(value)) {
    return fail(problems, path, 'arrays are not allowed inside a value list (nested patterns go in objects)');
  }
  if (!isObject(value)) return fail(problems, path, 'unsupported value');
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return fail(problems, path, `a matcher object has exactly one match type, found ${JSON.stringify(keys)}`);
  }
  const type = keys[0] as string;
  const operand = value[type];
  const at = join(path, type);
  switch (type) {
    case 'exists':
      if (typeof operand !== 'boolean') return fail(problems, at, 'exists takes true or false');
      return { exists: operand };
    case 'prefix':
    case 'suffix': {
      const text = caseOperand(operand, at, problems);
      if (!text) return undefined;
      const wanted = text.ignoreCase ? text.value.toLowerCase() : text.value;
      return {
        test: (leaf) => {
          if (typeof leaf !== 'string') return false;
          const seen = text.ignoreCase ? leaf.toLowerCase() : leaf;
          return type === 'prefix' ? seen.startsWith(wanted) : seen.endsWith(wanted);
        },
      };
    }
    case 'equals-ignore-case':
      if (typeof operand !== 'string') return fail(problems, at, 'equals-ignore-case takes a string');
      return { test: (leaf) => typeof leaf === 'string' && equalsIgnoreCase(leaf, operand) };
    case 'wildcard': {
      if (typeof operand !== 'string') return fail(problems, at, 'wildcard takes a string');
      const regex = wildcardRegex(operand, at, problems);
      if (!regex) return undefined;
      return { test: (leaf) => typeof leaf === 'string' && regex.test(leaf) };
    }
    case 'numeric':
      return compileNumeric(operand, at, problems);
    case 'anything-but':
      return compileAnythingBut(operand, at, problems);
    case 'cidr': {
      const range = typeof operand === 'string' ? parseCidr(operand) : undefined;
      if (!range) return fail(problems, at, 'cidr takes an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"');
      return { test: (leaf) => typeof leaf === 'string' && inCidr(leaf, range) };
    }
    default:
      return fail(problems, path, `unrecognized match type ${JSON.stringify(type)}`);
  }
}

function fail(problems: EventPatternProblem[], path: string, message: string): undefined {
  problems.push({ path, message });
  return undefined;
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

/** `prefix`/`suffix` take a string, or `{ "equals-ignore-case": string }` to ignore case. */
function caseOperand(
  operand: unknown,
  path: string,
  problems: EventPatternProblem[],
): { value: string; ignoreCase: boolean } | undefined {
  if (typeof operand === 'string') return { value: operand, ignoreCase: false };
  if (isObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    return { value: operand['equals-ignore-case'], ignoreCase: true };
  }
  return fail(problems, path, 'takes a string or { "equals-ignore-case": string }');
}

/** `*` is any run of characters; `\*` a literal star and `\\` a backslash; `**` is refused, as Ruler does. */
function wildcardRegex(text: string, path: string, problems: EventPatternProblem[]): RegExp | undefined {
  let source = '';
  let previousStar = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return fail(problems, path, 'a backslash may only escape * or \\');
      source += `\\${next}`;
      i++;
      previousStar = false;
    } else if (char === '*') {
      if (previousStar) return fail(problems, path, 'consecutive wildcard characters are not allowed');
      source += '.*';
      previousStar = true;
    } else {
      source += char.replace(/[.+?^${}()|[\]]/g, '\\$&');
      previousStar = false;
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** `["=", n]`, `[op, n]`, or a range `[">"|">=", low, "<"|"<=", high]`; only JSON numbers match. */
function compileNumeric(operand: unknown, path: string, problems: EventPatternProblem[]): Matcher | undefined {
  const usage = 'numeric takes ["=", n], [op, n] or [">"|">=", low, "<"|"<=", high]';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return fail(problems, path, usage);
  const terms: [string, number][] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    if (typeof op !== 'string' || typeof bound !== 'number' || !Number.isFinite(bound)) {
      return fail(problems, path, usage);
    }
    terms.push([op, bound]);
  }
  const [first, second] = terms as [[string, number], [string, number] | undefined];
  if (second) {
    if (!NUMERIC_LOWER.has(first[0]) || !NUMERIC_UPPER.has(second[0])) return fail(problems, path, usage);
    if (first[1] >= second[1])
      return fail(problems, path, 'the lower bound of a numeric range must be below the upper');
  } else if (first[0] !== '=' && !NUMERIC_LOWER.has(first[0]) && !NUMERIC_UPPER.has(first[0])) {
    return fail(problems, path, `unknown numeric operator ${JSON.stringify(first[0])}`);
  }
  const compare = (op: string, value: number, bound: number): boolean =>
    op === '='
      ? value === bound
      : op === '>'
        ? value > bound
        : op === '>='
          ? value >= bound
          : op === '<'
            ? value < bound
            : value <= bound;
  return {
    test: (leaf) => typeof leaf === 'number' && terms.every(([op, bound]) => compare(op, leaf, bound)),
  };
}

/**
 * `anything-but` takes a string, a number, a list of only strings or only numbers, or one of `prefix`, `suffix`,
 * `equals-ignore-case` (string or list) and `wildcard` (string or list). It matches present values only: a missing
 * field is matched by `exists: false` alone.
 */
function compileAnythingBut(operand: unknown, path: string, problems: EventPatternProblem[]): Matcher | undefined {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) {
    return { test: (leaf) => leaf !== operand };
  }
  if (Array.isArray(operand)) {
    const allStrings = operand.every((v) => typeof v === 'string');
    const allNumbers = operand.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (operand.length === 0 || (!allStrings && !allNumbers)) {
      return fail(problems, path, 'anything-but takes a non-empty list of only strings or only numbers');
    }
    const excluded = new Set<unknown>(operand);
    return { test: (leaf) => !excluded.has(leaf) };
  }
  if (isObject(operand) && Object.keys(operand).length === 1) {
    const [type, inner] = Object.entries(operand)[0] as [string, unknown];
    const at = join(path, type);
    if (type === 'prefix' || type === 'suffix') {
      if (typeof inner !== 'string') return fail(problems, at, `anything-but ${type} takes a single string`);
      return {
        test: (leaf) =>
          typeof leaf === 'string' && !(type === 'prefix' ? leaf.startsWith(inner) : leaf.endsWith(inner)),
      };
    }
    if (type === 'equals-ignore-case' || type === 'wildcard') {
      const list = typeof inner === 'string' ? [inner] : inner;
      if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
        return fail(problems, at, `anything-but ${type} takes a string or a non-empty list of strings`);
      }
      if (type === 'equals-ignore-case') {
        return { test: (leaf) => typeof leaf === 'string' && !list.some((v) => equalsIgnoreCase(leaf, v)) };
      }
      const regexes = list.map((v, index) => wildcardRegex(v, join(at, index), problems));
      if (regexes.some((regex) => regex === undefined)) return undefined;
      return { test: (leaf) => typeof leaf === 'string' && !regexes.some((regex) => regex?.test(leaf)) };
    }
  }
  return fail(problems, path, 'unsupported anything-but operand');
}

// ---- CIDR ----

interface CidrRange {
  version: 4 | 6;
  network: bigint;
  bits: number;
}

/** The address as EventBridge compares it; the parser is core's (`parseIpAddress`). */
function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const ip = parseIpAddress(text);
  return ip && { version: ip.family === 'ipv4' ? 4 : 6, value: ip.address };
}

function parseCidr(text: string): CidrRange | undefined {
  const [address, length, extra] = text.split('/');
  if (address === undefined || length === undefined || extra !== undefined || !/^\d{1,3}$/.test(length))
    return undefined;
  const ip = parseIp(address);
  const bits = Number(length);
  if (!ip || bits > (ip.version === 4 ? 32 : 128)) return undefined;
  return { version: ip.version, network: ip.value >> BigInt((ip.version === 4 ? 32 : 128) - bits), bits };
}

function inCidr(text: string, range: CidrRange): boolean {
  const ip = parseIp(text);
  if (!ip || ip.version !== range.version) return false;
  return ip.value >> BigInt((ip.version === 4 ? 32 : 128) - range.bits) === range.network;
}

// ---- matching ----

function matchObject(node: Node, value: unknown): boolean {
  if (node.kind === 'leaf') return matchLeaf(node.matchers, value);
  // Arrays are crushed out: some one element must satisfy the whole sub-pattern (array-consistent matching).
  if (Array.isArray(value)) {
    return value.length === 0 ? matchObject(node, undefined) : value.some((element) => matchObject(node, element));
  }
  const object = isObject(value) ? value : undefined;
  return (
    node.fields.every(([key, child]) => matchObject(child, object ? object[key] : undefined)) &&
    node.alternatives.every((group) => group.some((alternative) => matchObject(alternative, value)))
  );
}

function matchLeaf(matchers: readonly Matcher[], value: unknown): boolean {
  const leaves = collectLeaves(value);
  return matchers.some((matcher) =>
    'exists' in matcher ? leaves.length > 0 === matcher.exists : leaves.some((leaf) => matcher.test(leaf)),
  );
}

/** The leaf values at a field: the value itself, or the scalars of an array (objects are not leaves). */
function collectLeaves(value: unknown): Leaf[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(collectLeaves);
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return [value];
  }
  return [];
}
