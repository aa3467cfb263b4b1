/**
 * What Slack did not take, delivered later: the Slack function's failed invocations land in its own queue (Lambda's
 * on-failure destination, whose record carries the original event as `requestPayload`), and its hourly run drains
 * that queue once Slack answers again. So an outage or a revoked token loses nothing, and needs no manual redrive.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { handleFindingEventForSlack, type SlackHandlerDeps } from './handle-finding-event.ts';

/** At most this many messages per run: the rest waits for the next hour. */
const MAX_MESSAGES = 500;

export interface PendingDrain {
  /** Events delivered (or found malformed, which will never deliver) and removed from the queue. */
  delivered: number;
  /** Events Slack still refused; left in the queue, and the drain stopped there. */
  stillPending: number;
}

/**
 * Delivers the events in the Slack function's failure queue, oldest first, deleting each once handled. Stops at the
 * first one Slack still refuses (an outage would refuse the rest too).
 */
export async function drainSlackPending(
  sqs: SQSClient,
  queueUrl: string,
  deps: SlackHandlerDeps,
): Promise<PendingDrain> {
  let delivered = 0;
  while (delivered < MAX_MESSAGES) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return { delivered, stillPending: 0 };
    for (const [index, message] of Messages.entries()) {
      let payload: unknown;
      try {
        payload = (JSON.parse(message.Body ?? '{}') as { requestPayload?: unknown }).requestPayload;
      } catch {
        payload = undefined;
      }
      try {
        // A record without a payload, or a malformed event, comes back `rejected`: logged, and dropped like it.
        await handleFindingEventForSlack(payload, deps);
      } catch {
        return { delivered, stillPending: Messages.length - index };
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      delivered += 1;
    }
  }
  return { delivered, stillPending: 0 };
}
