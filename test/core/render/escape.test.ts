import {
  defangUrls,
  escapeHtml,
  escapeMarkdown,
  escapePlainText,
  escapeSlack,
  escapeTerminalLines,
  isSafeUrl,
  revealInvisible,
  singleLine,
  truncateText,
  ZERO_WIDTH_SPACE,
} from '@podnet-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountText,
  chatStructure,
  htmlStructure,
  markdownStructure,
  plainStructure,
} from '../../helpers/structure.ts';

const ZWSP = ZERO_WIDTH_SPACE;
const alphanumeric = fc.stringMatching(/^[A-Za-z0-9]*$/);

describe.each([
  ['escapePlainText', escapePlainText],
  ['escapeSlack', escapeSlack],
  ['escapeMarkdown', escapeMarkdown],
  ['escapeHtml', escapeHtml],
])('%s', (_name, escaper) => {
  it('round-trips plain alphanumerics unchanged', () => {
    fc.assert(
      fc.property(alphanumeric, (text) => {
        expect(escaper(text)).toBe(text);
      }),
    );
  });
});

describe('revealInvisible', () => {
  it.each([
    ['orders\u001b[31m-db\u001b[0m', 'orders\\u001b[31m-db\\u001b[0m'],
    ['a\nb\r\nc\td', 'a\\nb\\r\\nc\\td'],
    ['safe\u202egnp.exe\u0085', 'safe\\u202egnp.exe\\u0085'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['tag\u{e0041}', 'tag\\u{e0041}'],
    ['lone\ud800half', 'lone\\ud800half'],
  ])('shows %j as escapes', (input, expected) => {
    expect(revealInvisible(input)).toBe(expected);
  });

  it('keeps ordinary Unicode as it is', () => {
    expect(revealInvisible('café – 🚀 ünïcödé ṡ')).toBe('café – 🚀 ünïcödé ṡ');
  });
});

describe('escapePlainText (terminal, standard error, plain-text email)', () => {
  it('makes the forgeries of the issue visible instead of obeyed', () => {
    expect(escapePlainText('ok\u001b[2K\r\u001b[32m[INFO] all clear')).toBe(
      'ok\\u001b[2K\\r\\u001b[32m[INFO] all clear',
    );
    expect(escapePlainText('ng-1\n[CRITICAL] all nodes exposed')).toBe('ng-1\\n[CRITICAL] all nodes exposed');
    expect(escapePlainText('\u202e]LACITIRC[')).toBe('\\u202e]LACITIRC[');
  });

  it('shows URLs as text that no terminal or mail client links', () => {
    expect(escapePlainText('see https://evil.example/fix or www.evil.example')).toBe(
      'see https[:]//evil.example/fix or www[.]evil.example',
    );
  });

  it('never adds a line, a URL or an invisible character, whatever the text', () => {
    fc.assert(
      fc.property(accountText, (text) => {
        expect(plainStructure(escapePlainText(text))).toEqual({ lines: 0, urls: 0, invisible: 0 });
      }),
    );
  });
});

describe('escapeTerminalLines', () => {
  it('keeps line breaks and shows every other control character', () => {
    expect(escapeTerminalLines('line 1\nline 2 \u001b[2J\r\u202e')).toBe('line 1\nline 2 \\u001b[2J\\r\\u202e');
  });
});

describe('defangUrls', () => {
  it.each([
    ['https://evil.example', 'https[:]//evil.example'],
    ['_https://evil.example', '_https[:]//evil.example'],
    ['javascript://x', 'javascript[:]//x'],
    ['WWW.evil.example', 'WWW[.]evil.example'],
    ['kubernetes.io/rule/nlb/client=', 'kubernetes.io/rule/nlb/client='],
  ])('spells %j so it is not linked', (input, expected) => {
    expect(defangUrls(input)).toBe(expected);
  });
});

describe('escapeSlack (Slack mrkdwn, Teams markdown through AWS Chatbot)', () => {
  it.each([
    ['<!channel> click <https://evil|here>', `&lt;!channel&gt; click &lt;https[:]//evil|here&gt;`],
    ['@here now', `@${ZWSP}here now`],
    ['ping <@U024BE7LH>', `ping &lt;@${ZWSP}U024BE7LH&gt;`],
    ['a & b', 'a &amp; b'],
    ['&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
    ['*urgent* ~ok~ `rm`', '∗urgent∗ ∼ok∼ ˋrmˋ'],
    ['_italic_ but prod_db_main', 'ˍitalicˍ but prod_db_main'],
    ['[docs](https://evil.example)', '[docs] (https[:]//evil.example)'],
    ['a\n[CRITICAL] b', 'a\\n[CRITICAL] b'],
    ['# Heading', '\uff03 Heading'],
    ['- item', '\u2010 item'],
    ['1. item', '1\u2024 item'],
  ])('makes %j inert', (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });

  it('leaves no line, link, mention, markup or invisible character, whatever the text', () => {
    fc.assert(
      fc.property(accountText, (text) => {
        expect(chatStructure(escapeSlack(text))).toEqual({
          lines: 0,
          links: 0,
          mentions: 0,
          markup: 0,
          blocks: 0,
          invisible: 0,
        });
        const escaped = escapeSlack(text);
        expect(escaped).not.toMatch(/[<>]/);
        // Every & starts an entity we wrote.
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
    );
  });
});

describe('escapeMarkdown (GitHub)', () => {
  it.each([
    ['**bold** _it_', '\\*\\*bold\\*\\* \\_it\\_'],
    ['[x](https://evil.example)', '\\[x\\]\\(https\\[:\\]//evil\\.example\\)'],
    ['# heading', '\\# heading'],
    ['`code`', '\\`code\\`'],
    ['<img src=x>', '\\<img src=x\\>'],
    ['a | b', 'a \\| b'],
    ['1. + - !', '1\\. \\+ \\- \\!'],
    ['back\\slash', 'back\\\\slash'],
    ['&lt;script&gt;', '\\&lt;script\\&gt;'],
    ['@octocat and @org/team', `@${ZWSP}octocat and @${ZWSP}org/team`],
    ['fixes #123', `fixes \\#${ZWSP}123`],
    ['two\nlines', 'two\\\\nlines'],
  ])('escapes %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('leaves no line, link, mention, issue reference, markup or invisible character, whatever the text', () => {
    fc.assert(
      fc.property(accountText, (text) => {
        expect(markdownStructure(escapeMarkdown(text))).toEqual({
          lines: 0,
          links: 0,
          mentions: 0,
          references: 0,
          markup: 0,
          invisible: 0,
        });
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

  it('leaves no line, tag, foreign entity, quote, URL or invisible character, whatever the text', () => {
    fc.assert(
      fc.property(accountText, (text) => {
        expect(htmlStructure(escapeHtml(text))).toEqual({
          lines: 0,
          tags: 0,
          entities: 0,
          quotes: 0,
          urls: 0,
          invisible: 0,
        });
      }),
    );
  });
});

describe('singleLine (values programs read: SNS message attributes)', () => {
  it('folds line breaks and removes control characters', () => {
    expect(singleLine('ok\r\nFrom: admin\tx\u001b\u202e')).toBe('ok From: admin x');
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

  it('never leaves half an entity or half an escape', () => {
    expect(truncateText(escapeSlack('ab & cd'), 7)).toBe('ab …');
    expect(truncateText(escapePlainText('ab\u202ecd'), 7)).toBe('ab…');
  });

  it('never leaves a mention sign whose zero-width space was cut off', () => {
    // escapeSlack('x @org/team') is 'x @\u200borg/team': a cut after the @ would make a mention of what follows.
    expect(truncateText(escapeSlack('x @org/team'), 4)).toBe('x …');
    expect(truncateText(escapeMarkdown('x #12 y'), 4)).toBe('x …');
    // An underscore inside a word is left as it is by escapeSlack; cut before the ellipsis it would start italics.
    expect(truncateText(escapeSlack('ab_it_c'), 6)).toBe('ab_it…');
    expect(truncateText(escapeSlack('ab_it_cd'), 7)).toBe('ab_it…');
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 40 }), (text, max) => {
        expect(truncateText(escapeSlack(text), max)).not.toMatch(/@(?!\u200b)/u);
      }),
    );
  });

  it('never exceeds the limit', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 40 }), (text, max) => {
        expect(truncateText(text, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe('isSafeUrl', () => {
  it('takes plain https URLs and refuses anything that could end a link or hide a character', () => {
    expect(isSafeUrl('https://docs.aws.amazon.com/eks/')).toBe(true);
    expect(isSafeUrl('https://evil.example|@here>')).toBe(false);
    expect(isSafeUrl('http://docs.aws.amazon.com/')).toBe(false);
    expect(isSafeUrl('https://docs.aws.amazon.com/\u202e')).toBe(false);
  });
});
