/**
 * `CreateNetworkInterface` (ec2.amazonaws.com): trunk and branch ENIs created by the VPC resource controller (SGP),
 * and the VPC CNI's secondary ENIs. A failed call (`InsufficientFreeAddressesInSubnet`, `UnauthorizedOperation`) is
 * the signal for trunk and IP failures, so the request is kept whatever the outcome.
 */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { integer, items, tagSpecificationSet, tagsFor } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

/** `requestParameters`/`responseElements` of CreateNetworkInterface. */
export const createNetworkInterfaceSchema = z.object({
  requestParameters: z.object({
    subnetId: z.optional(z.string()),
    description: z.optional(z.string()),
    groupSet: items(z.object({ groupId: z.string() })),
    interfaceType: z.optional(z.string()),
    secondaryPrivateIpAddressCount: z.optional(integer),
    ipv4PrefixCount: z.optional(integer),
    tagSpecificationSet,
  }),
  responseElements: z.optional(
    z.object({
      networkInterface: z.optional(
        z.object({
          networkInterfaceId: z.optional(z.string()),
          subnetId: z.optional(z.string()),
          interfaceType: z.optional(z.string()),
        }),
      ),
    }),
  ),
});

/** The ENI requested (and its id when the call succeeded). */
export function normaliseCreateNetworkInterface(input: z.output<typeof createNetworkInterfaceSchema>): Normalised {
  const request = input.requestParameters;
  const created = input.responseElements?.networkInterface;
  const detail: Extract<EventDetail, { kind: 'network-interface-created' }> = {
    kind: 'network-interface-created',
    groupIds: request.groupSet.map((group) => group.groupId),
    tags: tagsFor(request.tagSpecificationSet, 'network-interface'),
  };
  const subnetId = request.subnetId ?? created?.subnetId;
  if (subnetId !== undefined) detail.subnetId = subnetId;
  const interfaceType = request.interfaceType ?? created?.interfaceType;
  if (interfaceType !== undefined) detail.interfaceType = interfaceType;
  if (request.description !== undefined) detail.description = request.description;
  if (created?.networkInterfaceId !== undefined) detail.networkInterfaceId = created.networkInterfaceId;
  if (request.secondaryPrivateIpAddressCount !== undefined)
    detail.privateIpCount = request.secondaryPrivateIpAddressCount;
  if (request.ipv4PrefixCount !== undefined) detail.prefixCount = request.ipv4PrefixCount;
  return { ok: true, detail };
}

/** Parser of `CreateNetworkInterface`. */
export const createNetworkInterfaceParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'CreateNetworkInterface',
  schema: createNetworkInterfaceSchema,
  normalise: normaliseCreateNetworkInterface,
});
