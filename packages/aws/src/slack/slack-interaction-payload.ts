/**
 * What Slack posts to the interactivity URL, once its signature is verified: a form body whose `payload` field is the
 * JSON of a `block_actions` (a button pressed) or a `view_submission` (the suppression modal sent). Only the fields we
 * act on are read; the rest passes. Also the modal itself, and what an accepted interaction asks the worker to do.
 */
import { escapeSlack, safeParseSchema, singleLine, truncateText } from '@podnet-guard/core';
import * as z from 'zod/mini';

/** Slack ids: team `T…` (or enterprise `E…`), user `U…`/`W…`, channel `C…`/`G…`/`D…`. */
const TEAM_ID = /^[TE][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const FINDING_ID = /^[A-Za-z0-9_-]{1,128}$/;
const id = (pattern: RegExp) => z.string().check(z.regex(pattern));

/** The callback id of the suppression modal. */
export const SUPPRESS_MODAL_CALLBACK_ID = 'podnet-guard.suppress';
/** The reason's input block and element ids in the modal. */
export const REASON_BLOCK_ID = 'reason';
export const REASON_ACTION_ID = 'reason';
/** How long "Suppress 7 days" suppresses. */
export const SLACK_SUPPRESS_DAYS = 7;

const UserSchema = z.object({ id: id(USER_ID), team_id: z.optional(id(TEAM_ID)) });
const TeamSchema = z.nullish(z.object({ id: id(TEAM_ID) }));

const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: UserSchema,
  team: TeamSchema,
  trigger_id: z.string().check(z.minLength(1), z.maxLength(200)),
  response_url: z.optional(z.string()),
  container: z.optional(z.object({ channel_id: z.optional(z.string()), message_ts: z.optional(z.string()) })),
  channel: z.optional(z.object({ id: z.string() })),
  message: z.optional(z.object({ ts: z.string(), text: z.optional(z.string()) })),
  actions: z.array(z.object({ action_id: z.string(), value: z.optional(z.string()) })).check(z.minLength(1)),
});

const ViewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: UserSchema,
  team: TeamSchema,
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({
      values: z.record(z.string(), z.record(z.string(), z.object({ value: z.nullish(z.string()) }))),
    }),
  }),
});

export type BlockActions = z.infer<typeof BlockActionsSchema>;
export type ViewSubmission = z.infer<typeof ViewSubmissionSchema>;

/** Where the finding's parent message is: the thread the result is posted in. */
export interface ThreadOf {
  channel: string;
  ts: string;
}

const ThreadSchema = z.object({
  channel: z.string().check(z.regex(/^[CGD][A-Z0-9]{2,}$/)),
  ts: z.string().check(z.regex(/^\d{1,12}\.\d{1,9}$/)),
});

/** What the modal carries from the button to its submission (Slack returns it unchanged, signed). */
const ModalMetadataSchema = z.object({ findingId: id(FINDING_ID), thread: ThreadSchema });

/** One interaction, or why it is not one we answer. */
export type ParsedInteraction =
  | { kind: 'block_actions'; payload: BlockActions }
  | { kind: 'view_submission'; payload: ViewSubmission }
  | { kind: 'ignored'; reason: string };

/**
 * Parses the form body's `payload`. Anything else (another interaction type, a malformed payload) is `ignored`.
 *
 * @example
 * parseInteraction(`payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', … }))}`).kind; // 'block_actions'
 */
export function parseInteraction(rawBody: string): ParsedInteraction {
  const field = new URLSearchParams(rawBody).get('payload');
  if (!field) return { kind: 'ignored', reason: 'no payload field' };
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    return { kind: 'ignored', reason: 'payload is not JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (type === 'block_actions') {
    const parsed = safeParseSchema(BlockActionsSchema, json);
    return parsed.success ? { kind: 'block_actions', payload: parsed.data } : { kind: 'ignored', reason: 'malformed' };
  }
  if (type === 'view_submission') {
    const parsed = safeParseSchema(ViewSubmissionSchema, json);
    return parsed.success
      ? { kind: 'view_submission', payload: parsed.data }
      : { kind: 'ignored', reason: 'malformed' };
  }
  return { kind: 'ignored', reason: `type ${String(type).slice(0, 40)}` };
}

/** `slack:<team>/<user>`: who acted, as the suppression records it. */
export function actorOf(payload: { user: { id: string; team_id?: string | undefined }; team?: { id: string } | null }) {
  const team = payload.user.team_id ?? payload.team?.id ?? 'T?';
  return `slack:${team}/${payload.user.id}`;
}

/** The parent message a button was pressed on. */
export function threadOfAction(payload: BlockActions): ThreadOf | undefined {
  const parsed = safeParseSchema(ThreadSchema, {
    channel: payload.container?.channel_id ?? payload.channel?.id,
    ts: payload.container?.message_ts ?? payload.message?.ts,
  });
  return parsed.success ? parsed.data : undefined;
}

/** The parent message's fallback text (`[HIGH] title`, entity-escaped for Slack) as plain text, for the modal. */
export function messageTitleOf(payload: BlockActions): string | undefined {
  const text = payload.message?.text;
  if (!text) return undefined;
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The "Suppress 7 days" modal: the finding's title (plain text, so it can neither mention nor link), and a reason
 * (3 to 500 characters, as the API asks). `private_metadata` carries the finding and its thread to the submission.
 */
export function suppressModal(finding: { id: string; title: string }, thread: ThreadOf) {
  return {
    type: 'modal' as const,
    callback_id: SUPPRESS_MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify({ findingId: finding.id, thread }),
    title: { type: 'plain_text' as const, text: `Suppress ${SLACK_SUPPRESS_DAYS} days` },
    submit: { type: 'plain_text' as const, text: 'Suppress' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'plain_text',
          text: truncateText(singleLine(`${finding.title} (${finding.id})`), 2900) || finding.id,
          emoji: false,
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        label: { type: 'plain_text', text: 'Why is this acceptable for a week?' },
        element: {
          type: 'plain_text_input',
          action_id: REASON_ACTION_ID,
          multiline: true,
          min_length: 3,
          max_length: 500,
        },
      },
    ],
  };
}

/** The finding, thread and reason of a submitted modal; `undefined` for another modal or a tampered metadata. */
export function suppressionOfSubmission(
  payload: ViewSubmission,
): { findingId: string; thread: ThreadOf; reason: string } | undefined {
  if (payload.view.callback_id !== SUPPRESS_MODAL_CALLBACK_ID) return undefined;
  let metadata: unknown;
  try {
    metadata = JSON.parse(payload.view.private_metadata);
  } catch {
    return undefined;
  }
  const parsed = safeParseSchema(ModalMetadataSchema, metadata);
  if (!parsed.success) return undefined;
  const reason = payload.view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value ?? '';
  return { ...parsed.data, reason: reason.trim() };
}

/** A finding id from a button's `value`, when it is one. */
export function findingIdOf(value: string | undefined): string | undefined {
  return value && FINDING_ID.test(value) ? value : undefined;
}

/** A one-line Slack message (mrkdwn, escaped but for the mention we build from a checked user id). */
export function slackNote(text: string, mentionUser?: string) {
  const mention = mentionUser && USER_ID.test(mentionUser) ? `<@${mentionUser}> ` : '';
  const line = `${mention}${escapeSlack(singleLine(text))}`;
  return {
    text: truncateText(line, 3000),
    blocks: [
      {
        type: 'section' as const,
        text: { type: 'mrkdwn' as const, text: truncateText(line, 3000), verbatim: true as const },
      },
    ],
  };
}
