/**
 * The whole-plan checks of a change: a definition that several owners read (one variable feeding two node groups) is
 * edited only when the finding covers every one of them, and then once; owners that need different values from it
 * refuse the change.
 */
import type { Candidate } from './locators/types.ts';
import type { TextEdit } from './text-edit.ts';

export interface PlanRefusal {
  reason: string;
  candidates: { path: string; line: number }[];
}

/** The first shared definition an edit changes that is also read where no part of the plan reads it. */
export function uncoveredRead(edited: readonly Candidate[], located: readonly Candidate[]): PlanRefusal | undefined {
  const reads = located.flatMap((candidate) => candidate.shared ?? []);
  for (const candidate of edited)
    for (const read of candidate.shared ?? []) {
      const entries = reads.filter((other) => other.reference === read.reference).map((other) => other.entry);
      const outside = read.readers.filter(
        (reader) =>
          !entries.some(
            (entry) => entry.path === reader.path && entry.start <= reader.start && reader.end <= entry.end,
          ),
      );
      if (outside.length === 0) continue;
      const names = [...new Set(outside.map((reader) => reader.owner))].join(', ');
      return {
        reason: `${read.what} comes from ${read.reference}, which ${read.count} places read; ${names} ${outside.length > 1 ? 'read' : 'reads'} it too and the finding does not cover ${outside.length > 1 ? 'them' : 'it'}: refusing to change it`,
        candidates: [
          { path: candidate.path, line: candidate.line },
          ...outside.map((reader) => ({ path: reader.path, line: reader.line })),
        ],
      };
    }
  return undefined;
}

/**
 * The edits of one file, each made once: owners reading one definition make the same edit of it. Two different edits
 * of the same text are owners that need different values from one definition: refused.
 */
export function mergeEdits(path: string, text: string, edits: readonly TextEdit[]): TextEdit[] | PlanRefusal {
  const out: TextEdit[] = [];
  for (const edit of edits) {
    const same = out.find((other) => other.offset === edit.offset && other.length === edit.length);
    // Two insertions at one place (keys added to one object) are both made; one text replaced twice is one edit.
    if (!same || (edit.length === 0 && same.content !== edit.content)) out.push(edit);
    else if (same.content !== edit.content) {
      const line = text.slice(0, edit.offset).split('\n').length;
      return {
        reason: `owners in the finding read one definition (${path}:${line}) and need different values from it: refusing to choose`,
        candidates: [{ path, line }],
      };
    }
  }
  return out;
}
