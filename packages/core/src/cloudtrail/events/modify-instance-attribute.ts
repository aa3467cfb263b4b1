/**
 * `ModifyInstanceAttribute` (ec2.amazonaws.com). Only `groupSet` (the primary ENI's security groups) matters; other
 * attribute changes (`instanceType`, `userData`, `disableApiTermination`, …) are acknowledged as unsupported.
 */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { items, MAX_GROUPS_PER_ENI, MORE_THAN_AN_ENI_HOLDS } from '../shapes.ts';

/** `requestParameters` of ModifyInstanceAttribute. */
export const modifyInstanceAttributeSchema = z.object({
  requestParameters: z.object({
    instanceId: z.string(),
    groupSet: z.optional(
      items(z.object({ groupId: z.string() })).check(
        z.refine((groups) => groups.length > 0, 'groupSet names no group'),
        z.refine((groups) => groups.length <= MAX_GROUPS_PER_ENI, MORE_THAN_AN_ENI_HOLDS),
      ),
    ),
  }),
});

/** The instance's new security groups, or unsupported for other attribute changes. */
export function normaliseModifyInstanceAttribute(input: z.output<typeof modifyInstanceAttributeSchema>): Normalised {
  const { instanceId, groupSet } = input.requestParameters;
  if (groupSet === undefined) return { ok: false, unsupported: 'an attribute other than groupSet was changed' };
  return {
    ok: true,
    detail: { kind: 'instance-groups-changed', instanceId, groupIds: groupSet.map((group) => group.groupId) },
  };
}

/** Parser of `ModifyInstanceAttribute`. */
export const modifyInstanceAttributeParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'ModifyInstanceAttribute',
  schema: modifyInstanceAttributeSchema,
  normalise: normaliseModifyInstanceAttribute,
});
