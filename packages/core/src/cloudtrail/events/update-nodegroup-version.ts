/** `UpdateNodegroupVersion` (eks.amazonaws.com): a node group moved to a new AMI release or launch template version. */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { nodegroupDetail, nodegroupRequestFields } from './create-nodegroup.ts';

/** `requestParameters` of UpdateNodegroupVersion (`name` is the cluster). */
export const updateNodegroupVersionSchema = z.object({ requestParameters: z.object(nodegroupRequestFields) });

/** The node group and the launch template version it moves to. */
export function normaliseUpdateNodegroupVersion(input: z.output<typeof updateNodegroupVersionSchema>): Normalised {
  return nodegroupDetail('update-version', input.requestParameters);
}

/** Parser of `UpdateNodegroupVersion`. */
export const updateNodegroupVersionParser = defineEventParser({
  source: 'eks.amazonaws.com',
  eventName: 'UpdateNodegroupVersion',
  schema: updateNodegroupVersionSchema,
  normalise: normaliseUpdateNodegroupVersion,
});
