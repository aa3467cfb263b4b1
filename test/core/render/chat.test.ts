import { CHATBOT_LIMITS, renderChatbotNotification, ZERO_WIDTH_SPACE } from '@podnet-guard/core';
import { describe, expect, it } from 'vitest';
import {
  ChatbotNotificationSchema,
  dataStoreFinding,
  HOSTILE,
  hostileFinding,
  NODE_SG,
  RULE_ID,
  resolvedDataStoreFinding,
  TARGET_SG,
} from '../findings/finding-fixture.ts';

describe('renderChatbotNotification', () => {
  it('follows the custom notification schema, threaded by finding id', () => {
    const finding = dataStoreFinding();
    const notification = ChatbotNotificationSchema.parse(renderChatbotNotification(finding));
    expect(notification.id).toBe(finding.id);
    expect(notification.metadata.threadId).toBe(finding.id);
    expect(notification.metadata.eventType).toBe('podnet-guard.node-sg-widening.node-sg-granted-to-data-store');
    expect(notification.metadata.relatedResources).toEqual([TARGET_SG, NODE_SG]);
  });

  it('titles with severity and says who, what it exposes and where', () => {
    const { content } = renderChatbotNotification(dataStoreFinding());
    expect(content.title).toBe(
      `:red_circle: *[HIGH]* Data store admits a node security group: ${TARGET_SG} admits ${NODE_SG}`,
    );
    const lines = content.description.split('\n');
    expect(lines[0]).toMatch(/^RDS behind sg-0a1b2c3d4e5f60718 \(orders-db\) now admits node SG/);
    expect(lines).toContain(
      `*Who:* AuthorizeSecurityGroupIngress by arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice@${ZERO_WIDTH_SPACE}example.com from 203.0.113.10 at 2026-11-02T09:41:07Z`,
    );
    expect(lines).toContain(
      '*Exposes:* 3 nodes, up to 27 pod IPs (an upper bound); 2 pods with their own security groups, not reached (counted apart); protects RDS; node groups ng-general, ng-batch',
    );
    expect(lines).toContain('*Where:* account 111122223333, eu-west-1, cluster prod');
  });

  it('gives the undo command, the advice and the links as next steps', () => {
    const { content } = renderChatbotNotification(dataStoreFinding());
    expect(content.nextSteps).toEqual([
      `Undo: \`aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id ${TARGET_SG} --security-group-rule-ids ${RULE_ID}\``,
      'Admit only the pods that need this data store: give them a dedicated security group with security groups for pods and admit that SG instead of the node SG.',
      '<https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html|Security groups for pods>',
      '<https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html|EKS Pod Identity>',
      '<https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html|IAM roles for service accounts>',
    ]);
    expect(content.keywords).toEqual(['high', 'opened', 'node-sg-widening', 'node-sg-granted-to-data-store', 'prod']);
  });

  it('threads the resolution under the same id, with what resolved it and no next steps', () => {
    const opened = renderChatbotNotification(dataStoreFinding());
    const resolved = ChatbotNotificationSchema.parse(renderChatbotNotification(resolvedDataStoreFinding()));
    expect(resolved.metadata.threadId).toBe(opened.metadata.threadId);
    expect(resolved.content.title).toBe(
      `:white_check_mark: *[RESOLVED]* Data store admits a node security group: ${TARGET_SG}`,
    );
    expect(resolved.content.description).toContain(
      `*Resolved by:* RevokeSecurityGroupIngress by arn:aws:sts::111122223333:assumed-role/PlatformAdmin/bob@${ZERO_WIDTH_SPACE}example.com`,
    );
    expect(resolved.content.description).not.toContain('*Exposes:*');
    expect(resolved.content.nextSteps).toEqual([]);
    expect(resolved.metadata.additionalContext.transition).toBe('resolved');
  });

  it('keeps every field within its documented limit for huge findings', () => {
    const finding = dataStoreFinding({
      title: 'T'.repeat(1000),
      summary: 'S'.repeat(50_000),
      clusters: Array.from({ length: 500 }, (_, i) => `cluster-${i}-${'x'.repeat(100)}`),
      resources: Array.from({ length: 50_000 }, (_, i) => ({ type: 'instance' as const, id: `i-${i}` })),
    });
    finding.recommendation.text = 'R'.repeat(5000);
    const notification = ChatbotNotificationSchema.parse(renderChatbotNotification(finding));
    expect(notification.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(notification.metadata.relatedResources).toHaveLength(CHATBOT_LIMITS.relatedResources);
    expect(notification.metadata.relatedResources.at(-1)).toBe('and 49981 more');
    expect(JSON.stringify(notification).length).toBeLessThan(20_000);
  });

  it('falls back to the reason when the undo command would not fit a next step', () => {
    const finding = dataStoreFinding();
    finding.remediation!.revoke = Array.from({ length: 30 }, (_, i) => ({
      ruleId: `sgr-${i.toString(16).padStart(17, '0')}`,
      protocol: '6',
    }));
    const [first] = renderChatbotNotification(finding).content.nextSteps;
    expect(first).toBe(`Undo: admits node SG ${NODE_SG}`);
  });
});

describe('renderChatbotNotification with hostile account text', () => {
  const notification = renderChatbotNotification(hostileFinding());
  const texts = [
    notification.content.title,
    notification.content.description,
    ...notification.content.nextSteps,
    ...notification.content.keywords,
    notification.metadata.summary,
    ...notification.metadata.relatedResources,
    ...Object.values(notification.metadata.additionalContext),
  ];

  it('still follows the schema', () => {
    expect(() => ChatbotNotificationSchema.parse(notification)).not.toThrow();
  });

  it('forms no mention: no <!channel>, no <@, no bare @here', () => {
    for (const text of texts) {
      expect(text).not.toMatch(/<!|<@|<#/);
      expect(text).not.toMatch(new RegExp(`@(?!${ZERO_WIDTH_SPACE})`));
    }
    expect(notification.content.description).toContain(`@${ZERO_WIDTH_SPACE}here urgent`);
  });

  it('shows a disguised link as text, and drops an unsafe link target', () => {
    // Shown as text: the brackets as entities, the URL defanged so Slack and Teams link nothing.
    expect(notification.content.title).toContain('&lt;!channel&gt; click &lt;https[:]//evil.example|here&gt;');
    const links = notification.content.nextSteps.filter((step) => step.startsWith('<'));
    expect(links).toHaveLength(3);
    expect(links.every((link) => link.startsWith('<https://docs.aws.amazon.com/'))).toBe(true);
  });

  it('has no < outside the links it made itself', () => {
    const outsideLinks = texts.filter((text) => !/^<https:\/\/docs\.aws\.amazon\.com\/[^<>|]+\|[^<>]+>$/.test(text));
    for (const text of outsideLinks) expect(text).not.toContain('<');
  });

  it('holds no control character and no line forged by account text', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    for (const text of texts) expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    // The ESC is shown, not dropped: a reader sees the text held one.
    expect(notification.content.description).toContain('orders\\u001b[31m-db\\u001b[0m');
    expect(notification.content.description.split('\n').filter((line) => line.startsWith('*Who:*'))).toHaveLength(1);
    expect(notification.content.description).not.toMatch(/\n\s*(How to undo it|aws iam)/);
  });

  it('neutralises chat formatting and links in a rule description: *, _, ~, backticks, [text](url), bare URLs', () => {
    const finding = dataStoreFinding({
      summary: 'admits *URGENT* _click_ ~ok~ `rm -rf` [here](https://evil.example) or https://evil.example/x',
    });
    const { description } = renderChatbotNotification(finding).content;
    const [first] = description.split('\n');
    expect(first).toBe(
      'admits ∗URGENT∗ ˍclickˍ ∼ok∼ ˋrm -rfˋ [here] (https[:]//evil.example) or https[:]//evil.example/x',
    );
  });

  it('survives a JSON round trip with its quotes intact', () => {
    const parsed = JSON.parse(JSON.stringify(notification));
    expect(parsed).toEqual(notification);
    expect(parsed.content.description).toContain(HOSTILE.json.replace('@', `@${ZERO_WIDTH_SPACE}`));
  });
});
