/** `UpdateNodegroupConfig` (eks.amazonaws.com): a node group's scaling (and labels, taints, update settings). */
import * as z from 'zod/mini';
import { defineEventParser, type Normalised } from '../parser.ts';
import { nodegroupDetail, nodegroupRequestFields } from './create-nodegroup.ts';

/** `requestParameters` of UpdateNodegroupConfig (`name` is the cluster). */
export const updateNodegroupConfigSchema = z.object({ requestParameters: z.object(nodegroupRequestFields) });

/** The node group whose configuration changed, with its new scaling. */
export function normaliseUpdateNodegroupConfig(input: z.output<typeof updateNodegroupConfigSchema>): Normalised {
  return nodegroupDetail('update-config', input.requestParameters);
}

/** Parser of `UpdateNodegroupConfig`. */
export const updateNodegroupConfigParser = defineEventParser({
  source: 'eks.amazonaws.com',
  eventName: 'UpdateNodegroupConfig',
  schema: updateNodegroupConfigSchema,
  normalise: normaliseUpdateNodegroupConfig,
});
