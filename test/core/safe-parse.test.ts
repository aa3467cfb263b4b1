import { ConfigError, parseGuardConfig, safeParseSchema } from '@podnet-guard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';

function messages(result: { success: boolean; error?: { issues: { message: string }[] } }): string[] {
  return result.error?.issues.map((issue) => issue.message) ?? [];
}

// Classic zod, when anything in the process loads it, registers English messages globally; take them away so these
// tests see what a bundle with zod/mini only sees.
let savedLocale: z.core.$ZodConfig['localeError'];
beforeAll(() => {
  savedLocale = z.config().localeError;
  z.config({ localeError: undefined });
});
afterAll(() => {
  z.config({ localeError: savedLocale });
});

describe('safeParseSchema', () => {
  const schema = z.object({
    fromPort: z.int().check(z.gte(-1), z.lte(65535)),
    groupId: z.optional(z.string().check(z.regex(/^sg-[0-9a-f]+$/, 'not a security group id'))),
  });

  it('returns the data of a valid input', () => {
    const result = safeParseSchema(schema, { fromPort: 443, groupId: 'sg-0a1b2c3d4e5f60718' });
    expect(result).toEqual({ success: true, data: { fromPort: 443, groupId: 'sg-0a1b2c3d4e5f60718' } });
  });

  it("gives zod's English messages, which zod/mini alone does not", () => {
    expect(messages(schema.safeParse({ fromPort: '443' }))).toEqual(['Invalid input']);
    expect(messages(safeParseSchema(schema, { fromPort: '443' }))).toEqual([
      'Invalid input: expected number, received string',
    ]);
    expect(messages(safeParseSchema(schema, { fromPort: 70000 }))).toEqual(['Too big: expected number to be <=65535']);
    expect(messages(safeParseSchema(schema, { fromPort: 22.5 }))).toEqual([
      'Invalid input: expected int, received number',
    ]);
  });

  it("keeps a schema's own message", () => {
    expect(messages(safeParseSchema(schema, { fromPort: 22, groupId: 'SG-1' }))).toEqual(['not a security group id']);
  });

  it('leaves the global zod configuration alone', () => {
    safeParseSchema(schema, { fromPort: '443' });
    expect(z.config().localeError).toBeUndefined();
    expect(messages(z.string().safeParse(1))).toEqual(['Invalid input']);
  });
});

describe('config messages', () => {
  it('say what is wrong with the field, not only "Invalid input"', () => {
    const error = (() => {
      try {
        parseGuardConfig({ trunkGraceMinutes: -1, allow: [{ reason: '' }] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'trunkGraceMinutes', message: 'Too small: expected number to be >=0' },
      { path: 'allow.0.reason', message: 'Too small: expected string to have >=1 characters' },
    ]);
  });
});
