/** `DeleteSecurityGroup` (ec2.amazonaws.com): the group, by `groupId` or (default VPC) by `groupName`. */
import * as z from 'zod/mini';
import { defineEventParser, invalid, type Normalised } from '../parser.ts';

/** `requestParameters` of DeleteSecurityGroup. */
export const deleteSecurityGroupSchema = z.object({
  requestParameters: z.object({ groupId: z.optional(z.string()), groupName: z.optional(z.string()) }),
  responseElements: z.optional(z.object({ groupId: z.optional(z.string()) })),
});

/** The deleted group; one of `groupId`/`groupName` is required. A call by name learns the id from the response. */
export function normaliseDeleteSecurityGroup(input: z.output<typeof deleteSecurityGroupSchema>): Normalised {
  const { groupName } = input.requestParameters;
  const groupId = input.requestParameters.groupId ?? input.responseElements?.groupId;
  if (groupId === undefined && groupName === undefined) {
    return invalid('requestParameters.groupId', 'neither groupId nor groupName is given');
  }
  const detail: { kind: 'sg-deleted'; groupId?: string; groupName?: string } = { kind: 'sg-deleted' };
  if (groupId !== undefined) detail.groupId = groupId;
  if (groupName !== undefined) detail.groupName = groupName;
  return { ok: true, detail };
}

/** Parser of `DeleteSecurityGroup`. */
export const deleteSecurityGroupParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'DeleteSecurityGroup',
  schema: deleteSecurityGroupSchema,
  normalise: normaliseDeleteSecurityGroup,
});
