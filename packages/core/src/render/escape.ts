/**
 * Escaping of untrusted account text (rule descriptions, tags, SG and node group names, actor ARNs, suppression
 * reasons) for every place a finding is shown. Anyone who can write a security group rule description can write into
 * our output: one escaper per sink makes that text inert (no extra lines, no mentions, no links, no markup, no
 * terminal control sequences), never pretty. Every renderer of a sink goes through that sink's escaper:
 *
 * | sink | escaper | used by |
 * |---|---|---|
 * | terminal, standard error, plain-text email | `escapePlainText` | `text.ts`, the CLI, `email.ts` |
 * | Slack / Teams (AWS Chatbot `client-markdown`) | `escapeSlack` | `chat.ts` (and `slack.ts`) |
 * | GitHub Markdown (pull requests, comments) | `escapeMarkdown` | — |
 * | HTML | `escapeHtml` | — |
 *
 * JSON output is never escaped: `JSON.stringify` keeps the account's text exact, and its readers are programs.
 *
 * What all of them share: a character a reader cannot see, or one that moves or reorders what surrounds it (control
 * characters such as ESC, CR, LF and TAB, bidirectional overrides such as U+202E, zero-width and other format
 * characters, line separators, lone surrogates), is shown as a visible escape (`\u001b`, `\n`, `\u202e`) rather than
 * dropped, so a reader sees that the text holds one. And URLs in account text are shown as text, never as links: their
 * scheme separator becomes `[:]//` and a leading `www.` becomes `www[.]` (the usual "defanged" spelling), so no client
 * turns them into links.
 */

// Control (Cc: C0, DEL, C1), format (Cf: bidi controls, zero-width characters, BOM, tag characters), surrogate (Cs: a
// lone half of a pair; whole pairs are one code point with the `u` flag) and line/paragraph separators (Zl, Zp).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Zero-width space: placed after `@` (and `#` before a digit) so no client reads a mention, while people still read `@here`. */
export const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Shows every invisible or reordering character as an escape: `\n`, `\r`, `\t`, else `\uXXXX` (`\u{XXXXX}` beyond the
 * BMP). The result holds no control, format or separator character, so it is one line and reads in the order it is
 * stored. A backslash is left alone: `\n` typed by the account and an escaped line break read the same, and both are
 * inert.
 *
 * @example revealInvisible('a\nb\u001b[31m\u202e') // 'a\\nb\\u001b[31m\\u202e'
 */
export function revealInvisible(text: string): string {
  return text.replace(INVISIBLE, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named) return named;
    const code = char.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// What clients turn into links by themselves: any `://` (whatever the scheme, whatever precedes it) and `www.`.
const SCHEME_SEPARATOR = /:\/\//g;
const WWW = /(www)\./gi;

/**
 * Spells URLs so that no client links them: `https://evil.example` becomes `https[:]//evil.example`, `www.evil.example`
 * becomes `www[.]evil.example`. People still read where it points.
 *
 * @example defangUrls('see https://evil.example') // 'see https[:]//evil.example'
 */
export function defangUrls(text: string): string {
  return text.replace(SCHEME_SEPARATOR, '[:]//').replace(WWW, '$1[.]');
}

/**
 * Untrusted text for a terminal, standard error or a plain-text email: one line, no control sequence (ANSI colours,
 * cursor moves, carriage returns and bidi overrides are shown as escapes), URLs not linkable. A name cannot paint a
 * line of its own such as `[INFO] all clear`.
 *
 * @example escapePlainText('ok\n[CRITICAL] fake\u001b[2K') // 'ok\\n[CRITICAL] fake\\u001b[2K'
 */
export function escapePlainText(text: string): string {
  return defangUrls(revealInvisible(text));
}

/**
 * Our own multi-line text that may quote untrusted text (error messages, usage): every line break stays, every other
 * invisible or control character is shown as an escape. For the last line of defence on standard error; untrusted
 * values inside should already have gone through `escapePlainText`, since this keeps their line breaks.
 *
 * @example escapeTerminalLines('line 1\nline 2 \u001b[2J') // 'line 1\nline 2 \\u001b[2J'
 */
export function escapeTerminalLines(text: string): string {
  return text.split('\n').map(revealInvisible).join('\n');
}

// Look-alikes of the characters Slack mrkdwn and Teams markdown read as formatting: shown, never interpreted. Slack
// has no backslash escape, and Chatbot sends the same text to Slack and Teams.
const SLACK_LOOKALIKES: Record<string, string> = {
  '*': '\u2217', // ∗ asterisk operator
  '~': '\u223c', // ∼ tilde operator
  '`': '\u02cb', // ˋ modifier letter grave accent
  _: '\u02cd', // ˍ modifier letter low macron
};

/**
 * Escapes text for Slack mrkdwn, as AWS Chatbot renders `client-markdown` in Slack and Microsoft Teams: one line
 * (`escapePlainText`), URLs not linkable; `&`, `<` and `>` become entities (so `<!channel>`, `<@U123>`, `<#C1>`,
 * `<https://evil|here>` and Teams' `<at>` are shown as text); a zero-width space follows every `@` so `@here`,
 * `@channel` and `@team` mention nobody; `*`, `~` and backticks become look-alikes so they cannot bold, strike or open
 * code; `_` too, except between two letters or digits (`prod_db_main` stays as is, and neither Slack nor Markdown reads
 * an underscore inside a word as italics); `](` becomes `] (` so a Markdown link cannot form in Teams; a leading `#`,
 * `-`, `+` or `1.` becomes a look-alike so a value at the start of a line cannot start a heading or a list.
 *
 * @example escapeSlack('<!channel> @here *x*') // '&lt;!channel&gt; @\u200bhere ∗x∗'
 */
export function escapeSlack(text: string): string {
  return escapePlainText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/[*~`]/g, (char) => SLACK_LOOKALIKES[char] ?? char)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, SLACK_LOOKALIKES._ ?? '_')
    .replace(/\]\(/g, '] (')
    .replace(BLOCK_START, (start) => start.replace(/[#+\-.)]/, (char) => BLOCK_LOOKALIKES[char] ?? char));
}

// A value that starts a line could start a heading or a list in Teams: its first marker becomes a look-alike.
const BLOCK_START = /^\s*(?:#|[-+](?=\s|$)|\d+[.)](?=\s|$))/;
const BLOCK_LOOKALIKES: Record<string, string> = {
  '#': '\uff03', // ＃ fullwidth number sign
  '-': '\u2010', // ‐ hyphen
  '+': '\uff0b', // ＋ fullwidth plus sign
  '.': '\u2024', // ․ one dot leader
  ')': '\u207e', // ⁾ superscript right parenthesis
};

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start markup on GitHub.
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~&"]/g;

/**
 * Escapes text for GitHub Markdown (pull request bodies, comments): one line, URLs not linkable; every character that
 * can start markup is backslash-escaped (`&` too, so entities cannot spell `<`); a zero-width space follows every `@`
 * so that `@user` and `@org/team` notify nobody, and every `#` before a digit so `#123` links no issue.
 *
 * @example escapeMarkdown('**bold** @octocat #12') // '\\*\\*bold\\*\\* @\u200boctocat \\#\u200b12'
 */
export function escapeMarkdown(text: string): string {
  return escapePlainText(text)
    .replace(MARKDOWN_SPECIAL, (char) => `\\${char}`)
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/#(?=\d)/g, `#${ZERO_WIDTH_SPACE}`);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values: one line, URLs not linkable, the five HTML
 * characters as entities.
 *
 * @example escapeHtml('<img src=x onerror="alert(1)">') // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return escapePlainText(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

// C0 and C1 control characters (ESC included), DEL, the Unicode line/paragraph separators, bidi controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * For values programs read, not people (SNS message attribute values that subscription filters match): control and
 * bidi characters removed, line breaks and tabs folded into spaces, lone surrogates replaced.
 *
 * @example singleLine('a\nb\u001b') // 'a b'
 */
export function singleLine(text: string): string {
  return text
    .replace(/\r\n|[\r\n\t]/g, ' ')
    .replace(CONTROL, '')
    .replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Cuts text to at most `max` UTF-16 code units, ending with `…` when cut; never splits a surrogate pair, nor (in text
 * the escapers produced) an entity such as `&amp;` or an escape such as `\u202e`.
 *
 * @example truncateText('abcdef', 4) // 'abc…'
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - 1);
  // A high surrogate at the end would be half a character.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  // A partial entity (`&am`) or escape (`\u20`) at the end would show as garbage: drop it.
  cut = cut.replace(/&[#a-zA-Z0-9]{0,8}$/, '').replace(/\\(u(\{[0-9a-f]*|[0-9a-f]{0,3})?)?$/, '');
  // A mention sign whose zero-width space was cut off would mention what the next line starts with, and an
  // underscore the escaper left inside a word would open italics before the ellipsis: drop them.
  cut = cut.replace(/[@#_]+$/, '');
  return `${cut}…`;
}

// A link target must be https and must not be able to end a `<url|text>` link, a Markdown link or an attribute early.
const SAFE_URL = /^https:\/\/[^\s<>|"'`\\]+$/;

/**
 * True for an `https:` URL without whitespace, quotes, backslashes, `<`, `>` or `|`: one that can be put into a Slack
 * `<url|text>` link, a Markdown link or an email as is. Only our own links (`links.ts`) are ever linked; other URLs
 * are left out of messages, not escaped.
 *
 * @example isSafeUrl('https://docs.aws.amazon.com/eks/') // true
 * @example isSafeUrl('https://evil.example|@here>') // false
 */
export function isSafeUrl(url: string): boolean {
  return SAFE_URL.test(url) && url.length <= 2048 && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(url);
}
