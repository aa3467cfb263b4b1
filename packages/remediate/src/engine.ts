/**
 * remediate: for each finding, plan the change (core), locate the one block that owns each part of it (one locator
 * per format), edit, re-parse and read back. Refuses rather than guesses: no owner, two owners, a computed value or a
 * templated file each yield a refusal with the reason and the candidates.
 */
import { type ChangePlan, planRemediation } from '@podnet-guard/core';
import { fileDiff } from './diff.ts';
import { isHclPath, loadHcl } from './hcl/parser.ts';
import { cloudFormationLocator } from './locators/cloudformation.ts';
import { eksctlLocator } from './locators/eksctl.ts';
import { karpenterLocator } from './locators/karpenter.ts';
import { terraformLocator } from './locators/terraform.ts';
import type { Candidate, EditPart, Locator, ParsedFile } from './locators/types.ts';
import { type FileParse, parseFile } from './parse-file.ts';
import { describePart, namesOf, partsOf } from './parts.ts';
import type { Repo } from './repo.ts';
import { mergeEdits, type PlanRefusal, uncoveredRead } from './shared-reads.ts';
import { applyEdits, type TextEdit } from './text-edit.ts';
import { type BrokenHcl, brokenFilesFor, brokenHcl, mentions } from './unparsed.ts';

/** One locator per format. */
export const LOCATORS: readonly Locator[] = [eksctlLocator, karpenterLocator, cloudFormationLocator, terraformLocator];

export interface ChangeEntry {
  findingId: string;
  path: string;
  action: ChangePlan['action'];
  summary: string;
  diff: string;
}

export interface RefusedEntry {
  findingId: string;
  reason: string;
  candidates: { path: string; line: number }[];
}

export interface UnsupportedEntry {
  findingId: string;
  reason: string;
}

export interface RemediationReport {
  changes: ChangeEntry[];
  refused: RefusedEntry[];
  unsupported: UnsupportedEntry[];
  /** Findings whose owning code already holds the planned values (nothing to change). */
  alreadyDone: string[];
  /** The whole change as one unified diff. */
  diff: string;
  /** Final text of every changed file, for `--write`. */
  files: Map<string, string>;
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The findings of `scan` / `evaluate-event` JSON output, an array of findings, or one finding. */
export function findingsOf(input: unknown): unknown[] {
  if (Array.isArray(input)) return input;
  if (typeof input === 'object' && input !== null) {
    const record = input as Record<string, unknown>;
    if (Array.isArray(record.findings)) return record.findings;
    if (typeof record.id === 'string' && typeof record.detector === 'string') return [record];
  }
  throw new InputError('the input is neither scan/evaluate-event JSON output ({"findings": [...]}) nor a finding');
}

type PartOutcome =
  | { kind: 'refused'; reason: string; candidates: Candidate[] }
  | { kind: 'done'; candidate?: Candidate }
  | { kind: 'edit'; candidate: Candidate };

export interface RemediateOptions {
  /** Only these finding ids. */
  ids?: string[];
  /** The locators to ask (default {@link LOCATORS}). */
  locators?: readonly Locator[];
}

/** Plans, locates, edits and reads back every finding of `input` against the repository; writes nothing. */
export async function remediate(
  input: unknown,
  repo: Repo,
  options: RemediateOptions = {},
): Promise<RemediationReport> {
  const locators = options.locators ?? LOCATORS;
  let findings = findingsOf(input);
  const report: RemediationReport = {
    changes: [],
    refused: [],
    unsupported: [],
    alreadyDone: [],
    diff: '',
    files: new Map(),
  };
  if (options.ids?.length) {
    const idOf = (finding: unknown) => (finding as { id?: unknown })?.id;
    for (const id of options.ids)
      if (!findings.some((finding) => idOf(finding) === id))
        report.unsupported.push({ findingId: id, reason: 'no finding with this id in the input' });
    findings = findings.filter((finding) => options.ids!.includes(String(idOf(finding))));
  }
  const originals = new Map<string, string>();
  const parsed = new Map<string, FileParse>();
  const paths = await repo.files();
  // The HCL grammar (WebAssembly) loads only for a repository that holds Terraform.
  if (paths.some(isHclPath)) await loadHcl();
  for (const path of paths) {
    let text: string;
    try {
      text = await repo.read(path);
    } catch {
      continue; // unreadable or too large: never a candidate
    }
    originals.set(path, text);
    parsed.set(path, parseFile(path, text));
  }
  for (const finding of findings) {
    const planned = planRemediation(finding);
    if (planned.kind === 'unsupported') {
      report.unsupported.push({ findingId: planned.findingId, reason: planned.reason });
      continue;
    }
    applyPlan(planned.plan, parsed, report, locators);
  }
  for (const [path, text] of originals) {
    const now = parsed.get(path)!.file.text;
    if (now !== text) {
      report.files.set(path, now);
      report.diff += fileDiff(path, text, now);
    }
  }
  return report;
}

function locate(part: EditPart, parsed: Map<string, FileParse>, locators: readonly Locator[]): PartOutcome {
  const files = [...parsed.values()].map((entry) => entry.file);
  const found: Candidate[] = [];
  const broken: BrokenHcl[] = [];
  for (const { file, errors } of parsed.values()) {
    if (errors.length) {
      // A templated file that does not parse may still own the part: a refusal, never a silent miss.
      if (file.templated && namesOf(part).some((name) => mentions(file.text, name)))
        found.push({ path: file.path, line: 1, refusal: file.templated });
      const hcl = brokenHcl(file.path, file.text, errors);
      if (hcl) broken.push(hcl);
      continue;
    }
    for (const locator of locators)
      for (const candidate of locator.locate(file, part, files)) {
        // The owner may sit in another file (a Karpenter NodeClass): either file rendered before use refuses.
        const templated = parsed.get(candidate.path)?.file.templated ?? file.templated;
        const where = parsed.get(candidate.path)?.file.templated ? candidate.path : file.path;
        found.push(
          templated ? { path: candidate.path, line: candidate.line, refusal: `${where} is ${templated}` } : candidate,
        );
      }
  }
  const what = describePart(part);
  const unread = brokenFilesFor(broken, found, namesOf(part));
  if (unread.length)
    return {
      kind: 'refused',
      reason: `${what}: ${unread.map((file) => `${file.path} does not parse (${file.error})`).join(', ')}: ${unread.length > 1 ? 'they' : 'it'} may own or feed the value; fix the syntax first`,
      candidates: [...found, ...unread.map(({ path, line }) => ({ path, line }))],
    };
  if (found.length === 0)
    return { kind: 'refused', reason: `nothing in the repository owns the ${what}`, candidates: [] };
  if (found.length > 1)
    return {
      kind: 'refused',
      reason: `${found.length} blocks could own the ${what}: refusing to guess`,
      candidates: found,
    };
  const only = found[0]!;
  if (only.refusal) return { kind: 'refused', reason: `${what}: ${only.refusal}`, candidates: [only] };
  if (only.done) return { kind: 'done', candidate: only };
  return { kind: 'edit', candidate: only };
}

type Located = { part: EditPart; outcome: Exclude<PartOutcome, { kind: 'refused' }> }[];

/** Every part of the plan located, or the first refusal (a part without one owner, a shared value not covered). */
function locateAll(
  parts: EditPart[],
  parsed: Map<string, FileParse>,
  locators: readonly Locator[],
): Located | PlanRefusal {
  const located: Located = [];
  for (const part of parts) {
    const outcome = locate(part, parsed, locators);
    if (outcome.kind === 'refused')
      return { reason: outcome.reason, candidates: outcome.candidates.map(({ path, line }) => ({ path, line })) };
    located.push({ part, outcome });
  }
  const candidates = located.flatMap(({ outcome }) => (outcome.candidate ? [outcome.candidate] : []));
  const edited = located.flatMap(({ outcome }) => (outcome.kind === 'edit' ? [outcome.candidate] : []));
  return uncoveredRead(edited, candidates) ?? located;
}

/** The edits per file (each made once) and the rollout notes, or why they cannot be made together. */
function editsOf(located: Located, parsed: Map<string, FileParse>): Map<string, FileEdits> | PlanRefusal {
  const edits = new Map<string, FileEdits>();
  for (const { outcome } of located) {
    if (outcome.kind !== 'edit') continue;
    const { candidate } = outcome;
    const entry = edits.get(candidate.path) ?? { edits: [], notes: new Set<string>() };
    entry.edits.push(...(candidate.edits ?? []));
    if (candidate.note) entry.notes.add(candidate.note);
    edits.set(candidate.path, entry);
  }
  for (const [path, entry] of edits) {
    const merged = mergeEdits(path, parsed.get(path)!.file.text, entry.edits);
    if (!Array.isArray(merged)) return merged;
    entry.edits = merged;
  }
  return edits;
}

interface FileEdits {
  edits: TextEdit[];
  notes: Set<string>;
}

function applyPlan(
  plan: ChangePlan,
  parsed: Map<string, FileParse>,
  report: RemediationReport,
  locators: readonly Locator[],
): void {
  const parts = partsOf(plan);
  const located = locateAll(parts, parsed, locators);
  const edits = Array.isArray(located) ? editsOf(located, parsed) : located;
  if (!(edits instanceof Map)) {
    report.refused.push({ findingId: plan.findingId, ...edits });
    return;
  }
  if (edits.size === 0) {
    report.alreadyDone.push(plan.findingId);
    return;
  }
  // Apply to a copy; the repository view changes only once every part reads back.
  const next = new Map(parsed);
  for (const [path, entry] of edits) {
    const before = parsed.get(path)!.file.text;
    let after: string;
    try {
      after = applyEdits(before, entry.edits);
    } catch (error) {
      refuse(report, plan, `the edits of ${path} overlap: ${(error as Error).message}`, path);
      return;
    }
    const reparsed = parseFile(path, after);
    if (reparsed.errors.length) {
      refuse(report, plan, `${path} does not parse after the edit: ${reparsed.errors[0]}`, path);
      return;
    }
    next.set(path, reparsed);
  }
  for (const part of parts) {
    const outcome = locate(part, next, locators);
    if (outcome.kind !== 'done') {
      refuse(report, plan, `the edit does not read back as planned (${describePart(part)})`, [...edits.keys()][0]!);
      return;
    }
  }
  for (const [path, entry] of edits) {
    const before = parsed.get(path)!.file.text;
    parsed.set(path, next.get(path)!);
    report.changes.push({
      findingId: plan.findingId,
      path,
      action: plan.action,
      summary: [plan.summary, ...entry.notes].join(' '),
      diff: fileDiff(path, before, next.get(path)!.file.text),
    });
  }
}

function refuse(report: RemediationReport, plan: ChangePlan, reason: string, path: string): void {
  report.refused.push({ findingId: plan.findingId, reason, candidates: [{ path, line: 1 }] });
}

export type { ParsedFile };
