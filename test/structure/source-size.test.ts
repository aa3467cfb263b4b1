/**
 * No hand-written source file under packages/ or functions/ passes 400 lines (generated tables, build output and
 * dependencies aside): a file that grows past it holds more than one thing, and is split by what each part is.
 * Functions are held to 80 lines by biome.json (`complexity/noExcessiveLinesPerFunction`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_LINES = 400;
const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist']);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : sourceFiles(path);
    return entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.generated.ts') ? [path] : [];
  });
}

function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const files = [...sourceFiles(join(ROOT, 'packages')), ...sourceFiles(join(ROOT, 'functions'))];

describe('source file size', () => {
  it('finds the hand-written sources', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((file) => file.endsWith('.generated.ts'))).toBe(false);
  });

  it(`keeps every hand-written source file at ${MAX_LINES} lines or fewer`, () => {
    const tooLong = files
      .map((file) => ({ file: relative(ROOT, file), lines: lineCount(file) }))
      .filter((entry) => entry.lines > MAX_LINES)
      .map((entry) => `${entry.file}: ${entry.lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
