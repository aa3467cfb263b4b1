/**
 * Escaping of untrusted account text (rule descriptions, tags, names, principal names) for every place a finding is
 * shown: Slack mrkdwn (what AWS Chatbot's `client-markdown` renders), GitHub Markdown (pull requests), HTML and
 * plain text. Anyone who can write a security group rule description can write into our alerts: the escapers make
 * that text inert (no mentions, no disguised links, no markup, no terminal control sequences), never pretty.
 */

// C0 and C1 control characters (ESC included), DEL, and the Unicode line/paragraph separators. Tab and newline are
// handled by the callers: multi-line fields keep newlines, single-line fields fold them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
// Bidirectional overrides and isolates reorder what a reader sees ("Trojan Source"); they carry no meaning here.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Lone UTF-16 surrogates are not valid Unicode: SNS and JSON consumers may reject or mangle them.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LINE_BREAKS = /\r\n|[\r\n\t]/g;

/** Zero-width space: placed after `@` so chat clients do not read a mention, while people still read `@here`. */
export const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Removes control characters (ANSI escape sequences lose their ESC and become visible text), bidirectional overrides
 * and lone surrogates. Newlines and tabs are kept.
 *
 * @example sanitizeText('\u001b[31mred\u001b[0m') // '[31mred[0m'
 */
export function sanitizeText(text: string): string {
  return text.replace(CONTROL, '').replace(BIDI, '').replace(LONE_SURROGATE, '\ufffd');
}

/**
 * `sanitizeText`, with line breaks and tabs folded into single spaces: for values that must stay on one line (a
 * subject, a table cell, a list item), so untrusted text cannot forge extra lines.
 *
 * @example singleLine('a\nFrom: admin') // 'a From: admin'
 */
export function singleLine(text: string): string {
  return sanitizeText(text).replace(LINE_BREAKS, ' ');
}

/**
 * Escapes text for Slack mrkdwn, as AWS Chatbot renders `client-markdown`: `&`, `<` and `>` become entities (so
 * `<!channel>`, `<@U123>`, `<#C1>` and `<https://evil|here>` are shown as text, not mentions or disguised links), and a
 * zero-width space follows every `@` so that `@here`, `@channel` and `@team` mention nobody.
 *
 * @example escapeSlack('<!channel> @here <https://evil|x>') // '&lt;!channel&gt; @\u200bhere &lt;https://evil|x&gt;'
 */
export function escapeSlack(text: string): string {
  return sanitizeText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`);
}

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start markup on GitHub.
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~&"]/g;

/**
 * Escapes text for GitHub Markdown (pull request bodies, comments): every character that can start markup is
 * backslash-escaped (`&` too, so entities cannot spell `<`), and a zero-width space follows every `@` so that
 * `@user` and `@org/team` notify nobody.
 *
 * @example escapeMarkdown('**bold** @octocat') // '\\*\\*bold\\*\\* @\u200boctocat'
 */
export function escapeMarkdown(text: string): string {
  return sanitizeText(text)
    .replace(MARKDOWN_SPECIAL, (char) => `\\${char}`)
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example escapeHtml('<img src=x onerror="alert(1)">') // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return sanitizeText(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/**
 * Cuts text to at most `max` UTF-16 code units, ending with `…` when cut; never splits a surrogate pair or (in text
 * that `escapeSlack`/`escapeHtml` produced) an entity such as `&amp;`.
 *
 * @example truncateText('abcdef', 4) // 'abc…'
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - 1);
  // A high surrogate at the end would be half a character.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  // A partial entity (`&am`) at the end would show as garbage: drop it.
  cut = cut.replace(/&[#a-zA-Z0-9]{0,8}$/, '');
  return `${cut}…`;
}

// A link target must be https and must not be able to end a `<url|text>` link, a Markdown link or an attribute early.
const SAFE_URL = /^https:\/\/[^\s<>|"'`\\]+$/;

/**
 * True for an `https:` URL without whitespace, quotes, backslashes, `<`, `>` or `|`: one that can be put into a Slack
 * `<url|text>` link, a Markdown link or an email as is. Other URLs are left out of messages, not escaped.
 *
 * @example isSafeUrl('https://docs.aws.amazon.com/eks/') // true
 * @example isSafeUrl('https://evil.example|@here>') // false
 */
export function isSafeUrl(url: string): boolean {
  return SAFE_URL.test(url) && url.length <= 2048;
}
