/** `AssignPrivateIpAddresses` (ec2.amazonaws.com): the VPC CNI growing its warm pool of IPs or /28 prefixes. */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { integer, items } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

/** `requestParameters` of AssignPrivateIpAddresses. */
export const assignPrivateIpAddressesSchema = z.object({
  requestParameters: z.object({
    networkInterfaceId: z.string(),
    secondaryPrivateIpAddressCount: z.optional(integer),
    ipv4PrefixCount: z.optional(integer),
    privateIpAddressesSet: items(z.object({ privateIpAddress: z.string() })),
  }),
});

/** The ENI and how many addresses (or prefixes) were asked for. */
export function normaliseAssignPrivateIpAddresses(input: z.output<typeof assignPrivateIpAddressesSchema>): Normalised {
  const request = input.requestParameters;
  const detail: Extract<EventDetail, { kind: 'private-ips-assigned' }> = {
    kind: 'private-ips-assigned',
    networkInterfaceId: request.networkInterfaceId,
    addresses: request.privateIpAddressesSet.map((address) => address.privateIpAddress),
  };
  if (request.secondaryPrivateIpAddressCount !== undefined) detail.count = request.secondaryPrivateIpAddressCount;
  if (request.ipv4PrefixCount !== undefined) detail.prefixCount = request.ipv4PrefixCount;
  return { ok: true, detail };
}

/** Parser of `AssignPrivateIpAddresses`. */
export const assignPrivateIpAddressesParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'AssignPrivateIpAddresses',
  schema: assignPrivateIpAddressesSchema,
  normalise: normaliseAssignPrivateIpAddresses,
});
