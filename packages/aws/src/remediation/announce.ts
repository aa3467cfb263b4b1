/**
 * Remediation announcements on the findings bus (`source: podnet-guard`) and the alerts topic, so the machine
 * consumers and the people who get alerts both hear of a planned change, a refusal or a pull request.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { BusPublishError, FINDING_EVENT_SOURCE } from '../bus.ts';

export interface AnnouncementTargets {
  events: () => Promise<EventBridgeClient>;
  sns: () => Promise<SNSClient>;
  busName: string | undefined;
  topicArn: string;
}

/** An announcer for `handleRemediationEvent`: the bus event (when a bus is configured), then the topic message. */
export function remediationAnnouncer(targets: AnnouncementTargets) {
  return async (detailType: string, detail: Record<string, unknown>): Promise<void> => {
    const text = JSON.stringify(detail);
    if (targets.busName) {
      const response = await (await targets.events()).send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: targets.busName, Source: FINDING_EVENT_SOURCE, DetailType: detailType, Detail: text },
          ],
        }),
      );
      const failed = (response.Entries ?? []).find((entry) => entry.ErrorCode);
      if (failed)
        throw new BusPublishError([{ findingId: String(detail.findingId), code: failed.ErrorCode ?? 'unknown' }]);
    }
    await (await targets.sns()).send(
      new PublishCommand({
        TopicArn: targets.topicArn,
        // Subjects are ASCII, one line, at most 100 characters: the detail type and the finding id are.
        Subject: `podnet-guard: ${detailType} ${String(detail.findingId)}`.slice(0, 100),
        Message: text,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'remediation' } },
      }),
    );
  };
}
