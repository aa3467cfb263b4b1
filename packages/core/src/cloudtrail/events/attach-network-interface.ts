/** `AttachNetworkInterface` (ec2.amazonaws.com): an ENI (e.g. a trunk) attached to an instance. */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { integer } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

/** `requestParameters` of AttachNetworkInterface. */
export const attachNetworkInterfaceSchema = z.object({
  requestParameters: z.object({
    networkInterfaceId: z.string(),
    instanceId: z.string(),
    deviceIndex: z.optional(integer),
    networkCardIndex: z.optional(integer),
  }),
});

/** The ENI, the instance and where it was attached. */
export function normaliseAttachNetworkInterface(input: z.output<typeof attachNetworkInterfaceSchema>): Normalised {
  const request = input.requestParameters;
  const detail: Extract<EventDetail, { kind: 'network-interface-attached' }> = {
    kind: 'network-interface-attached',
    networkInterfaceId: request.networkInterfaceId,
    instanceId: request.instanceId,
  };
  if (request.deviceIndex !== undefined) detail.deviceIndex = request.deviceIndex;
  if (request.networkCardIndex !== undefined) detail.networkCardIndex = request.networkCardIndex;
  return { ok: true, detail };
}

/** Parser of `AttachNetworkInterface`. */
export const attachNetworkInterfaceParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'AttachNetworkInterface',
  schema: attachNetworkInterfaceSchema,
  normalise: normaliseAttachNetworkInterface,
});
