/**
 * The allow-list's `descriptionPattern`s run on RE2 (the `re2js` port): matching takes time linear in the
 * description, whatever the pattern, so a pattern such as `^(a+)+$` cannot hang an evaluation the way a backtracking
 * engine (JavaScript's RegExp) can. RE2 has no lookarounds and no backreferences; configs that use them are refused.
 *
 * The engine is large, so it is loaded only for a config that has a pattern: `loadPatternEngine()` imports it
 * (`loadGuardConfig` does so when needed), or a caller that already holds the module registers it with
 * `usePatternEngine()`.
 */
import type * as Re2Module from 're2js';
import { PodnetGuardError } from './errors.ts';

type Engine = typeof Re2Module;
type Compiled = ReturnType<Engine['RE2JS']['compile']>;

let engine: Engine | undefined;
const compiled = new Map<string, Compiled>();

/** Imports the pattern engine (once). */
export async function loadPatternEngine(): Promise<void> {
  engine ??= await import('re2js');
}

/** Registers an already imported `re2js` module as the pattern engine. */
export function usePatternEngine(module: Engine): void {
  engine = module;
}

/** True once the engine is loaded: configs with patterns can then be parsed synchronously. */
export function patternEngineLoaded(): boolean {
  return engine !== undefined;
}

/** Why a pattern cannot be used, in words a config author can act on; undefined when it compiles. */
export function patternProblem(pattern: string): string | undefined {
  if (!engine) throw new PatternEngineMissing();
  try {
    compile(pattern, engine);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/`\(\?<?[=!]/.test(message)) return 'lookarounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported (RE2 syntax)';
    if (/invalid escape sequence: `\\(?:[1-9]|k)/.test(message))
      return 'backreferences (\\1, \\k<name>) are not supported (RE2 syntax)';
    return `not an RE2 regular expression: ${message.replace(/^error parsing regexp: /, '')}`;
  }
}

/**
 * True when the pattern finds a match anywhere in the text (as `RegExp.prototype.test` does), in linear time.
 *
 * @example
 * descriptionMatches('^elbv2\\.k8s\\.aws/', 'elbv2.k8s.aws/targetGroupBinding=shared'); // true
 */
export function descriptionMatches(pattern: string, text: string): boolean {
  if (!engine) throw new PatternEngineMissing();
  return compile(pattern, engine).test(text);
}

function compile(pattern: string, loaded: Engine): Compiled {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = loaded.RE2JS.compile(pattern);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** A pattern was used before the engine was loaded: a wiring mistake, not a config mistake. */
export class PatternEngineMissing extends PodnetGuardError {
  constructor() {
    super('descriptionPattern needs the pattern engine: read the config with loadGuardConfig (or loadPatternEngine)');
  }
}
