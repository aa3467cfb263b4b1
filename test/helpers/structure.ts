/**
 * Arbitrary account text, and what a reader's client makes of a rendered message in each sink: how many lines,
 * links, mentions, markup and control characters it holds. The forgery tests render a finding once with neutral text
 * and once with arbitrary text and require the same structure: account text can change words, never the shape.
 */
import fc from 'fast-check';

/** What attackers try, mixed with arbitrary Unicode (any code point, lone surrogates included). */
const HOSTILE_PARTS = [
  '<!channel>',
  '<!here>',
  '<@U024BE7LH>',
  '<#C024BE7LH>',
  '<at>Alice</at>',
  '<https://evil.example|here>',
  '[docs](https://evil.example)',
  'https://evil.example/x',
  'www.evil.example',
  'ftp://evil.example',
  '@here',
  '@octocat',
  '@org/team',
  '#123',
  '*bold*',
  '_it_',
  '~gone~',
  '`code`',
  '```',
  '> quote',
  '# heading',
  '&lt;',
  '&',
  '\u001b[31m',
  '\u001b[2K\r',
  '\u009b31m',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u2028',
  '\n',
  '\r\n',
  '\n[CRITICAL] forged',
  '\t',
  '\ud800',
  '\\n',
  '"',
  "'",
  '<script>',
];

/** One non-empty piece of account text (an empty value may leave a line out: that is not a forgery). */
export const accountText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PARTS), fc.string({ unit: 'binary', maxLength: 8 }), fc.string()), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(''))
  .filter((text) => text.length > 0);

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

// Any control, format (bidi, zero-width) or separator character, line feed excepted (it is counted as lines).
const INVISIBLE_BUT_LF = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
// What a client turns into a link by itself: a scheme separator, `www.`.
const BARE_URL = /:\/\/|www\./gi;

/** A terminal or plain-text email: lines, URLs, and characters that act rather than show. */
export function plainStructure(text: string) {
  return {
    lines: count(text, /\n/g),
    urls: count(text, BARE_URL),
    invisible: count(text, INVISIBLE_BUT_LF),
  };
}

/**
 * Slack mrkdwn and Teams markdown as AWS Chatbot renders `client-markdown`: lines, links (`<url|text>`, Markdown
 * links, bare URLs), mentions (`<@…>`, `<!…>`, `<#…>`, Teams `<at>`, a bare `@name`), markup (`*`, `~`, backticks, an
 * underscore at a word edge), block starts (`>`, `#`, lists) and invisible characters (zero-width spaces excepted: the
 * escaper puts them after `@`).
 */
export function chatStructure(text: string) {
  return {
    lines: count(text, /\n/g),
    links: count(text, /<[a-z]+:|\]\(/gi) + count(text, BARE_URL),
    mentions: count(text, /<[@!#]|<at>|@(?!\u200b)/gu),
    markup: count(text, /[*~`]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu),
    blocks: count(text, /^\s*(?:>|#|[-+*](?=\s|$)|\d+[.)](?=\s|$))/gm),
    invisible: count(text.replace(/\u200b/g, ''), INVISIBLE_BUT_LF),
  };
}

/**
 * GitHub Markdown: lines, links and URLs, mentions (`@user`, `@org/team`), issue references (`#123`), markup that is
 * not backslash-escaped, invisible characters (zero-width spaces excepted).
 */
export function markdownStructure(text: string) {
  const unescaped = text.replace(/\\[\\`*_{}[\]()#+\-.!|<>~&"]/g, '');
  return {
    lines: count(text, /\n/g),
    links: count(unescaped, /\]\(|</g) + count(text, BARE_URL),
    mentions: count(text, /@(?!\u200b)/g),
    references: count(text, /#(?!\u200b)\d/g),
    markup: count(unescaped, /[\\`*_{}[\]()#+\-.!|<>~&"]/g),
    invisible: count(text.replace(/\u200b/g, ''), INVISIBLE_BUT_LF),
  };
}

/** HTML: lines, tags, entities we did not write, quotes that could end an attribute, URLs, invisible characters. */
export function htmlStructure(text: string) {
  return {
    lines: count(text, /\n/g),
    tags: count(text, /</g),
    entities: count(text, /&(?!amp;|lt;|gt;|quot;|#39;)/g),
    quotes: count(text, /["']/g),
    urls: count(text, BARE_URL),
    invisible: count(text, INVISIBLE_BUT_LF),
  };
}
