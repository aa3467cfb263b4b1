/**
 * Which Slack channel a finding goes to: routes by severity, cluster and detector, the first match in config order
 * wins, then the default channel. Low and info findings go to an hourly digest instead of a message each, so
 * channels stay readable. The bot token and webhook URL are secrets and never part of this config.
 */
import * as z from 'zod/mini';
import { DETECTOR_IDS, type Finding, SEVERITIES, type Severity } from './types/finding.ts';

/** A channel id (`C…`, `G…`) or a `#name`; Slack's names are lower case, at most 80 characters. */
const ChannelSchema = z.string().check(z.regex(/^(?:[CG][A-Z0-9]{6,}|#[a-z0-9][a-z0-9._-]{0,79})$/));

export const SlackRouteSchema = z.strictObject({
  channel: ChannelSchema,
  severities: z.optional(z.array(z.enum(SEVERITIES)).check(z.minLength(1))),
  clusters: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  detectors: z.optional(z.array(z.enum(DETECTOR_IDS)).check(z.minLength(1))),
});
export type SlackRoute = z.infer<typeof SlackRouteSchema>;

export const SlackConfigSchema = z.strictObject({
  /** Routes in order; the first whose every given field matches wins. */
  routes: z._default(z.array(SlackRouteSchema), []),
  /** Where a finding no route matches goes; without it, such a finding is not sent to Slack. */
  defaultChannel: z.optional(ChannelSchema),
  digest: z._default(
    z.strictObject({
      /** Severities gathered into the hourly digest rather than posted one by one; `[]` posts everything. */
      severities: z._default(z.array(z.enum(SEVERITIES)), ['low', 'info']),
      /** The digest's channel; by default each finding's routed channel. */
      channel: z.optional(ChannelSchema),
    }),
    { severities: ['low', 'info'] },
  ),
  /** The buttons on a finding's message (deployed with `SLACK_INTERACTIVITY=on`): who may press them, which show. */
  actions: z.optional(
    z.strictObject({
      /** A Slack user group id (`S…`): only its members may act. Absent: anyone who can see the channel. */
      userGroup: z.optional(z.string().check(z.regex(/^S[A-Z0-9]{6,}$/, 'not a Slack user group id (S…)'))),
      /** "Open fix PR" on findings that carry a remediation: it requests the pull request (`Remediation Requested`). */
      fixPullRequest: z._default(z.boolean(), false),
    }),
  ),
});
export type SlackConfig = z.infer<typeof SlackConfigSchema>;

export interface SlackDestination {
  channel: string;
  /** True: the finding waits for the digest instead of a message of its own. */
  digest: boolean;
}

function matches(route: SlackRoute, finding: Pick<Finding, 'severity' | 'clusters' | 'detector'>): boolean {
  if (route.severities && !route.severities.includes(finding.severity)) return false;
  if (route.detectors && !route.detectors.includes(finding.detector)) return false;
  if (route.clusters && !finding.clusters.some((cluster) => route.clusters?.includes(cluster))) return false;
  return true;
}

/**
 * Where a finding goes in Slack, or undefined when no route matches and there is no default channel.
 *
 * @example
 * routeToSlack({ severity: 'high', clusters: ['prod'], detector: 'node-sg-widening' }, config);
 * // { channel: '#prod-oncall', digest: false }
 */
export function routeToSlack(
  finding: Pick<Finding, 'severity' | 'clusters' | 'detector'>,
  config: SlackConfig,
  severity: Severity = finding.severity,
): SlackDestination | undefined {
  const subject = { ...finding, severity };
  const channel = config.routes.find((route) => matches(route, subject))?.channel ?? config.defaultChannel;
  if (channel === undefined) return undefined;
  const digest = config.digest.severities.includes(severity);
  return { channel: digest ? (config.digest.channel ?? channel) : channel, digest };
}
