/**
 * A preview of Slack Block Kit messages as HTML, close enough to Slack's look for a screenshot and for checking in a
 * browser what a message shows: headers, sections with fields, context lines, mrkdwn bold and `<url|text>` links, a
 * few emoji. Test helper only: the product sends blocks to Slack, never this HTML.
 */
import type { SlackBlock, SlackMessage } from '@podnet-guard/core';

// Coloured marks rather than emoji glyphs: a test machine has no emoji font.
const mark = (color: string, glyph = '●') => `<span style="color:${color}">${glyph}</span>`;
const EMOJI: Record<string, string> = {
  ':rotating_light:': mark('#e01e5a', '▲'),
  ':red_circle:': mark('#e01e5a'),
  ':large_orange_circle:': mark('#e8912d'),
  ':large_yellow_circle:': mark('#ecb22e'),
  ':information_source:': mark('#1264a3', 'ⓘ'),
  ':white_check_mark:': mark('#2eb67d', '✔'),
};

/** Block Kit text is already entity-escaped for Slack (`&amp;`, `&lt;`, `&gt;`): HTML shows it as Slack does. */
function mrkdwn(text: string, verbatim: boolean): string {
  let html = text.replace(/"/g, '&quot;');
  html = html.replace(
    /<(https:\/\/[^|>\s]+)\|([^>]*)>/g,
    (_all, url: string, title: string) => `<a href="${url}">${title}</a>`,
  );
  if (!verbatim) html = html.replace(/<[^a/][^>]*>/g, '');
  html = html.replace(/\*([^*\n]+)\*/g, '<b>$1</b>');
  for (const [code, glyph] of Object.entries(EMOJI)) html = html.split(code).join(glyph);
  return html.replace(/\n/g, '<br>');
}

function plain(text: string): string {
  let html = text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  for (const [code, glyph] of Object.entries(EMOJI)) html = html.split(code).join(glyph);
  return html;
}

function textOf(object: { type: string; text: string }): string {
  return object.type === 'plain_text' ? plain(object.text) : mrkdwn(object.text, true);
}

function block(item: SlackBlock): string {
  switch (item.type) {
    case 'header':
      return `<div class="header">${plain(item.text.text)}</div>`;
    case 'section': {
      const fields = item.fields?.length
        ? `<div class="fields">${item.fields.map((field) => `<div>${textOf(field)}</div>`).join('')}</div>`
        : '';
      return `<div class="section">${textOf(item.text)}${fields}</div>`;
    }
    case 'context':
      return `<div class="context">${item.elements.map(textOf).join(' ')}</div>`;
    case 'actions':
      return `<div class="actions">${item.elements.map((button) => `<span class="button">${plain(button.text.text)}</span>`).join('')}</div>`;
    case 'divider':
      return '<hr>';
  }
}

function message(item: SlackMessage, author: string, time: string): string {
  return `<div class="message"><div class="author">${plain(author)} <span class="time">${plain(time)}</span></div>${item.blocks.map(block).join('')}</div>`;
}

/** A parent message and its thread replies as one page. */
export function previewThread(parent: SlackMessage, replies: SlackMessage[]): string {
  const style = `body{font:15px/1.46 -apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#fff;color:#1d1c1d;width:760px}
.message{padding:8px 20px}.author{font-weight:900}.time{font-weight:400;color:#616061;font-size:12px}
.header{font-size:18px;font-weight:900;margin:4px 0}.section{margin:4px 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin-top:8px}
.context{font-size:13px;color:#616061;margin:4px 0}a{color:#1264a3;text-decoration:none}
.actions{margin:8px 0}.button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:3px 12px;margin-right:8px;font-weight:700;font-size:13px}
.thread{border-left:4px solid #ddd;margin-left:20px}.thread-title{padding:8px 20px;color:#616061;font-size:13px}`;
  const thread = replies.map((reply, index) => message(reply, 'podnet-guard', `reply ${index + 1}`)).join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${style}</style></head><body>${message(parent, 'podnet-guard', 'parent, updated in place')}<div class="thread"><div class="thread-title">${replies.length} replies</div>${thread}</div></body></html>`;
}
