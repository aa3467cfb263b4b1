/**
 * `ModifyNetworkInterfaceAttribute` (ec2.amazonaws.com). Only a change of the ENI's security groups (`groupSet`)
 * matters to podnet-guard; other attributes (`sourceDestCheck`, `description`, `attachment`) are acknowledged as
 * unsupported so they are not retried.
 */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { items, MAX_GROUPS_PER_ENI, MORE_THAN_AN_ENI_HOLDS } from '../shapes.ts';

/** `requestParameters` of ModifyNetworkInterfaceAttribute. */
export const modifyNetworkInterfaceAttributeSchema = z.object({
  requestParameters: z.object({
    networkInterfaceId: z.string(),
    groupSet: z.optional(
      items(z.object({ groupId: z.string() })).check(
        z.refine((groups) => groups.length > 0, 'groupSet names no group'),
        z.refine((groups) => groups.length <= MAX_GROUPS_PER_ENI, MORE_THAN_AN_ENI_HOLDS),
      ),
    ),
  }),
});

/** The ENI's new security groups, or unsupported for other attribute changes. */
export function normaliseModifyNetworkInterfaceAttribute(
  input: z.output<typeof modifyNetworkInterfaceAttributeSchema>,
): Normalised {
  const { networkInterfaceId, groupSet } = input.requestParameters;
  if (groupSet === undefined) return { ok: false, unsupported: 'an attribute other than groupSet was changed' };
  return {
    ok: true,
    detail: { kind: 'eni-groups-changed', networkInterfaceId, groupIds: groupSet.map((group) => group.groupId) },
  };
}

/** Parser of `ModifyNetworkInterfaceAttribute`. */
export const modifyNetworkInterfaceAttributeParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'ModifyNetworkInterfaceAttribute',
  schema: modifyNetworkInterfaceAttributeSchema,
  normalise: normaliseModifyNetworkInterfaceAttribute,
});
