/**
 * A hand-built finding shaped like what `node-sg-widening` reports for an `AuthorizeSecurityGroupIngress` that lets a
 * node SG into an RDS security group, and an opened/resolved pair of it. Fresh copies on every call.
 */
import { type Finding, findingId, LINKS } from '@podnet-guard/core';
import { z } from 'zod';

export const TARGET_SG = 'sg-0a1b2c3d4e5f60718';
export const NODE_SG = 'sg-0f9e8d7c6b5a43210';
export const RULE_ID = 'sgr-0c0ffee0123456789';

/** The opened finding: RDS SG `sg-0a1b…` now admits node SG `sg-0f9e…` on tcp/5432. */
export function dataStoreFinding(overrides: Partial<Finding> = {}): Finding {
  return structuredClone({
    id: findingId('node-sg-widening', 'node-sg-granted-to-data-store', `${TARGET_SG}<-${NODE_SG}`),
    detector: 'node-sg-widening',
    rule: 'node-sg-granted-to-data-store',
    severity: 'high',
    status: 'open',
    title: `Data store admits a node security group: ${TARGET_SG} admits ${NODE_SG}`,
    summary: `RDS behind ${TARGET_SG} (orders-db) now admits node SG ${NODE_SG} (eks-prod-nodes) on tcp/5432. Every pod that is not using its own security group on 3 node(s) (node groups ng-general, ng-batch) of cluster prod can reach it: up to 27 pod IPs, whatever their IAM permissions.`,
    account: '111122223333',
    region: 'eu-west-1',
    clusters: ['prod'],
    resources: [
      { type: 'security-group', id: TARGET_SG },
      { type: 'security-group', id: NODE_SG },
    ],
    blastRadius: {
      nodes: 3,
      podIps: 27,
      podIpsIsUpperBound: true,
      nodeGroups: ['ng-general', 'ng-batch'],
      sgpPods: 2,
      nodeIds: ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa3'],
      targetServices: ['RDS'],
    },
    evidence: {
      eventId: '6f1c2a47-0d9e-4b8a-9f3e-1c2d3e4f5a6b',
      eventName: 'AuthorizeSecurityGroupIngress',
      actor: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice@example.com',
      sourceIp: '203.0.113.10',
      time: '2026-11-02T09:41:07Z',
      details: {
        target: TARGET_SG,
        nodeSecurityGroup: NODE_SG,
        rules: [
          {
            ruleId: RULE_ID,
            protocol: '6',
            fromPort: 5432,
            toPort: 5432,
            peer: NODE_SG,
            peerKey: `sg:${NODE_SG}`,
            description: 'orders app to RDS',
          },
        ],
        protects: ['RDS'],
      },
    },
    recommendation: {
      text: 'Admit only the pods that need this data store: give them a dedicated security group with security groups for pods and admit that SG instead of the node SG.',
      links: [LINKS.securityGroupsForPods, LINKS.podIdentity, LINKS.irsa],
    },
    remediation: {
      action: 'revoke-rules',
      target: { type: 'security-group', id: TARGET_SG, securityGroup: { id: TARGET_SG } },
      revoke: [
        {
          direction: 'ingress',
          ruleId: RULE_ID,
          protocol: '6',
          fromPort: 5432,
          toPort: 5432,
          peer: NODE_SG,
          peerKey: `sg:${NODE_SG}`,
          description: 'orders app to RDS',
        },
      ],
      reason: `admits node SG ${NODE_SG}`,
    },
    firstSeen: '2026-11-02T09:41:07Z',
    lastSeen: '2026-11-02T09:41:07Z',
    ...overrides,
  } satisfies Finding);
}

/** The same finding resolved by a `RevokeSecurityGroupIngress`, as the detector reports it. */
export function resolvedDataStoreFinding(): Finding {
  const opened = dataStoreFinding();
  return {
    ...opened,
    severity: 'info',
    status: 'resolved',
    title: `Resolved: Data store admits a node security group: ${TARGET_SG}`,
    summary: `RevokeSecurityGroupIngress on ${TARGET_SG} (orders-db) removed what caused node-sg-granted-to-data-store.`,
    clusters: [],
    resources: [{ type: 'security-group', id: TARGET_SG }],
    evidence: {
      eventId: '0b7e9a11-5c3d-4e2f-8a1b-9c8d7e6f5a4b',
      eventName: 'RevokeSecurityGroupIngress',
      actor: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/bob@example.com',
      sourceIp: '198.51.100.7',
      time: '2026-11-02T10:02:44Z',
    },
    recommendation: { text: 'Nothing to do.', links: [] },
    lastSeen: '2026-11-02T10:02:44Z',
  } satisfies Finding;
}

/** Untrusted account text that tries to ping a channel, disguise a link, colour a terminal and break out of JSON. */
export const HOSTILE = {
  mention: '<!channel> click <https://evil.example|here>',
  here: '@here urgent',
  user: 'ping <@U024BE7LH> and <#C024BE7LH>',
  ansi: 'orders\u001b[31m-db\u001b[0m',
  json: 'x"}, "default": "pwned',
  newline: 'ok\nHow to undo it\n  aws iam delete-user --user-name alice',
  bidi: 'safe\u202egnp.exe',
} as const;

/** A finding whose account text (summary, description, names, tags) is all hostile. */
export function hostileFinding(): Finding {
  const text = Object.values(HOSTILE).join(' | ');
  const finding = dataStoreFinding({
    title: `Data store admits a node security group: ${TARGET_SG} ${HOSTILE.mention}`,
    summary: `RDS behind ${TARGET_SG} (${HOSTILE.ansi}) now admits ${text}`,
    clusters: ['prod', HOSTILE.here],
  });
  finding.blastRadius!.nodeGroups = [HOSTILE.user, HOSTILE.json];
  finding.evidence.actor = `arn:aws:iam::111122223333:user/${HOSTILE.here}`;
  finding.evidence.sourceIp = HOSTILE.json;
  finding.remediation!.revoke = [
    { ruleId: RULE_ID, protocol: '6', fromPort: 5432, toPort: 5432, peer: NODE_SG, description: text },
  ];
  finding.remediation!.reason = HOSTILE.mention;
  finding.recommendation.links = [
    ...finding.recommendation.links,
    { title: HOSTILE.mention, url: 'https://evil.example|@here>' },
  ];
  return finding;
}

/**
 * The custom notification schema and field limits of
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, strict so a misspelt key fails.
 */
export const ChatbotNotificationSchema = z
  .object({
    version: z.literal('1.0'),
    source: z.literal('custom'),
    id: z.string().min(1),
    content: z
      .object({
        textType: z.literal('client-markdown'),
        title: z.string().max(250),
        description: z.string().min(1).max(8000),
        nextSteps: z.array(z.string().max(350)),
        keywords: z.array(z.string().max(75)),
      })
      .strict(),
    metadata: z
      .object({
        threadId: z.string().min(1),
        summary: z.string(),
        eventType: z.string(),
        relatedResources: z.array(z.string()),
        additionalContext: z.record(z.string(), z.string()),
      })
      .strict(),
  })
  .strict();
