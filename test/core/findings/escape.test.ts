import {
  escapeHtml,
  escapeMarkdown,
  escapeSlack,
  sanitizeText,
  singleLine,
  truncateText,
  ZERO_WIDTH_SPACE,
} from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ZWSP = ZERO_WIDTH_SPACE;
// Text an attacker would try: mention syntax, links, markup, entities, control and bidi characters.
const hostileText = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        '<!channel>',
        '<!here>',
        '<!everyone>',
        '<@U024BE7LH>',
        '<#C024BE7LH>',
        '<!subteam^S123>',
        '<https://evil.example|here>',
        '@here',
        '@channel',
        '&lt;!channel&gt;',
        '<',
        '>',
        '&',
        '@',
        '!',
        '\u001b[31m',
        '\u202e',
        '\n',
        '`',
        '*',
        '_',
        '[x](https://evil.example)',
        '<script>',
        '"',
        "'",
      ),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));
const alphanumeric = fc.stringMatching(/^[A-Za-z0-9]*$/);

describe('sanitizeText', () => {
  it('removes ESC so ANSI sequences become inert text', () => {
    expect(sanitizeText('orders\u001b[31m-db\u001b[0m')).toBe('orders[31m-db[0m');
  });

  it('removes bidirectional overrides and C1 controls', () => {
    expect(sanitizeText('safe\u202egnp.exe\u0085')).toBe('safegnp.exe');
  });

  it('keeps newlines and tabs, and ordinary Unicode', () => {
    expect(sanitizeText('a\n\tb – café 🚀')).toBe('a\n\tb – café 🚀');
  });

  it('replaces a lone surrogate', () => {
    expect(sanitizeText('a\ud800b')).toBe('a\ufffdb');
  });

  it('never leaves a control character', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
        expect(sanitizeText(text)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      }),
    );
  });
});

describe('singleLine', () => {
  it('folds line breaks so a value cannot add lines', () => {
    expect(singleLine('ok\r\nFrom: admin\tx')).toBe('ok From: admin x');
  });
});

describe('escapeSlack', () => {
  it.each([
    ['<!channel> click <https://evil|here>', `&lt;!channel&gt; click &lt;https://evil|here&gt;`],
    ['@here now', `@${ZWSP}here now`],
    ['ping <@U024BE7LH>', `ping &lt;@${ZWSP}U024BE7LH&gt;`],
    ['a & b', 'a &amp; b'],
    ['&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
  ])('makes %j inert', (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });

  it('never leaves an unescaped <, a mention or a special command', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const escaped = escapeSlack(text);
        expect(escaped).not.toContain('<');
        expect(escaped).not.toContain('>');
        expect(escaped).not.toMatch(/<!(channel|here|everyone)/);
        expect(escaped).not.toContain('<@');
        // Every @ is followed by the zero-width space: no `@here`, `@channel`, `@team` mention.
        expect(escaped).not.toMatch(new RegExp(`@(?!${ZWSP})`));
        // Every & starts an entity we wrote.
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
    );
  });

  it('round-trips plain alphanumerics unchanged', () => {
    fc.assert(
      fc.property(alphanumeric, (text) => {
        expect(escapeSlack(text)).toBe(text);
      }),
    );
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['**bold** _it_', '\\*\\*bold\\*\\* \\_it\\_'],
    ['[x](https://evil.example)', '\\[x\\]\\(https://evil\\.example\\)'],
    ['# heading', '\\# heading'],
    ['`code`', '\\`code\\`'],
    ['<img src=x>', '\\<img src=x\\>'],
    ['a | b', 'a \\| b'],
    ['1. + - !', '1\\. \\+ \\- \\!'],
    ['back\\slash', 'back\\\\slash'],
    ['&lt;script&gt;', '\\&lt;script\\&gt;'],
    ['@octocat and @org/team', `@${ZWSP}octocat and @${ZWSP}org/team`],
  ])('escapes %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('leaves no markup character unescaped and no mention', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const escaped = escapeMarkdown(text);
        // Remove escaped pairs; what is left must hold no markup character.
        const bare = escaped.replace(/\\[\\`*_{}[\]()#+\-.!|<>~&"]/g, '');
        expect(bare).not.toMatch(/[\\`*_{}[\]()#+\-.!|<>~&"]/);
        expect(escaped).not.toMatch(new RegExp(`@(?!${ZWSP})`));
      }),
    );
  });

  it('round-trips plain alphanumerics unchanged', () => {
    fc.assert(
      fc.property(alphanumeric, (text) => {
        expect(escapeMarkdown(text)).toBe(text);
      }),
    );
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    );
  });

  it('never leaves an unescaped < or quote', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
      }),
    );
  });

  it('round-trips plain alphanumerics unchanged', () => {
    fc.assert(
      fc.property(alphanumeric, (text) => {
        expect(escapeHtml(text)).toBe(text);
      }),
    );
  });
});

describe('truncateText', () => {
  it('keeps text that fits', () => {
    expect(truncateText('abcd', 4)).toBe('abcd');
  });

  it('cuts with an ellipsis within the limit', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
  });

  it('never splits a surrogate pair', () => {
    expect(truncateText('ab🚀cd', 4)).toBe('ab…');
  });

  it('never leaves half an entity', () => {
    expect(truncateText(escapeSlack('ab & cd'), 7)).toBe('ab …');
  });

  it('never exceeds the limit', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 40 }), (text, max) => {
        expect(truncateText(text, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });
});
