/**
 * The words of a finding's pull request: title, body and the comments on its life (worsened, resolved, left alone).
 * Everything that comes from the account (names, descriptions, actors) is escaped for GitHub Markdown by core's
 * escaping layer, so a security group description cannot mention a user, link an issue or inject markup.
 */
import { escapeMarkdown, type Finding, truncateText } from '@podnet-guard/core';
import type { ChangeEntry } from '@podnet-guard/remediate';

const md = (text: string | undefined) => escapeMarkdown(text ?? '');
const TITLE_MAX = 200;
/** GitHub refuses bodies over 65,536 characters. */
const BODY_MAX = 60_000;

export function pullRequestTitle(finding: Finding): string {
  // The title is plain text on GitHub; still no mention or issue reference may ring anyone.
  return truncateText(`podnet-guard: ${md(finding.title)}`, TITLE_MAX);
}

/** What rolling the change out takes, by action: nodes are replaced, not edited in place. */
const ROLLOUT: Record<string, string> = {
  'set-max-pods':
    'New nodes pick up the maxPods value; existing nodes keep theirs until they are replaced (roll the node group).',
  'set-instance-types': 'The node group is replaced or rolled to the new instance types.',
  'restrict-remote-access': 'A managed node group’s remote access cannot change in place: the node group is replaced.',
  'revoke-rules': 'The security group rules are revoked when the stack is applied; no node is replaced.',
  'enable-prefix-delegation':
    'The vpc-cni setting applies to new ENIs; nodes must be replaced for the new maxPods to take effect.',
};

/** The body: what, how wide, the evidence, the change and why this value, rollout, rollback, where to look. */
export function pullRequestBody(finding: Finding, changes: readonly ChangeEntry[], baseBranch: string): string {
  const { evidence, blastRadius } = finding;
  const lines = [
    `## ${md(finding.title)}`,
    '',
    md(finding.summary),
    '',
    `Severity **${finding.severity}**, rule \`${finding.rule}\`, account ${md(finding.account)}, region ${md(finding.region)}, clusters ${finding.clusters.map(md).join(', ') || '(none)'}.`,
  ];
  if (blastRadius)
    lines.push(
      '',
      '### Blast radius',
      `${blastRadius.nodes} nodes, at most ${blastRadius.podIps} pod IPs, node groups ${blastRadius.nodeGroups.map(md).join(', ') || '(none)'}.`,
    );
  lines.push('', '### Evidence');
  if (evidence.eventName) lines.push(`- event: ${md(evidence.eventName)} (${md(evidence.eventId)})`);
  if (evidence.actor) lines.push(`- actor: ${md(evidence.actor)}`);
  if (evidence.time) lines.push(`- time: ${md(evidence.time)}`);
  if (evidence.state) lines.push(`- state: ${md(evidence.state)}`);
  lines.push('', '### The change');
  for (const change of changes) lines.push(`- \`${md(change.path)}\`: ${md(change.summary)}`);
  if (finding.remediation?.reason) lines.push('', `Why this value: ${md(finding.remediation.reason)}`);
  const action = changes[0]?.action ?? finding.remediation?.action ?? '';
  lines.push(
    '',
    '### Rolling it out',
    ROLLOUT[action] ?? 'Apply the change through the pipeline that owns these files.',
    '',
    '### Rolling back',
    `Revert this pull request's commit on \`${md(baseBranch)}\` and apply again.`,
    '',
    `The finding: \`GET /findings/${finding.id}\` on the podnet-guard API, or \`podnet-guard findings --api <url>\`.`,
    '',
    `<sub>Opened by podnet-guard for finding \`${finding.id}\`; it keeps this pull request current and closes it when the finding resolves.</sub>`,
  );
  return truncateText(lines.join('\n'), BODY_MAX);
}

export const COMMENTS = {
  worsened: (finding: Finding) =>
    `The finding worsened (${md(finding.summary)}): the change is rebuilt on the latest base.`,
  rebuilt: () => 'The base branch moved on: the change is rebuilt on its new head.',
  resolved: (at: string) => `The finding resolved at ${md(at)}: closing this pull request and deleting its branch.`,
  foreign: (sha: string) =>
    `This branch has commits podnet-guard did not push (head ${sha.slice(0, 12)}): podnet-guard will not force-push or close it. Merge or close it yourself.`,
} as const;
