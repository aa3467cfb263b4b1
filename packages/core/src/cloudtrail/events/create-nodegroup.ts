/**
 * `CreateNodegroup` (eks.amazonaws.com). In the record `name` is the cluster (the `{name}` of the REST path) and
 * `nodegroupName` the node group. Values the request leaves to EKS defaults (instance types, subnets) are taken from
 * `responseElements.nodegroup` when present.
 */
import * as z from 'zod/mini';
import { unique } from '../../collections.ts';
import { defineEventParser, type Normalised } from '../parser.ts';
import { integer, stringish } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

type NodegroupDetail = Extract<EventDetail, { kind: 'nodegroup-changed' }>;

/** `launchTemplate` of the EKS node group APIs (`{id|name, version}`). */
export const NodegroupLaunchTemplateSchema = z.object({
  id: z.optional(z.string()),
  name: z.optional(z.string()),
  version: z.optional(stringish),
});

/** `scalingConfig` of the EKS node group APIs. */
export const ScalingConfigSchema = z.object({
  minSize: z.optional(integer),
  maxSize: z.optional(integer),
  desiredSize: z.optional(integer),
});

/** The node group fields shared by CreateNodegroup, UpdateNodegroupConfig and UpdateNodegroupVersion records. */
export const nodegroupRequestFields = {
  name: z.optional(z.string()),
  clusterName: z.optional(z.string()),
  nodegroupName: z.string(),
  instanceTypes: z.optional(z.array(z.string())),
  remoteAccess: z.optional(
    z.object({ ec2SshKey: z.optional(z.string()), sourceSecurityGroups: z.optional(z.array(z.string())) }),
  ),
  launchTemplate: z.optional(NodegroupLaunchTemplateSchema),
  subnets: z.optional(z.array(z.string())),
  scalingConfig: z.optional(ScalingConfigSchema),
  amiType: z.optional(z.string()),
};

type NodegroupFields = z.output<z.ZodMiniObject<typeof nodegroupRequestFields>>;

/** Builds the `nodegroup-changed` detail; the cluster name is required (as `name`, or `clusterName`). */
export function nodegroupDetail(
  operation: NodegroupDetail['operation'],
  request: NodegroupFields,
  fallback: NodegroupFields | undefined = undefined,
): Normalised {
  const clusterName = request.name ?? request.clusterName;
  if (clusterName === undefined) {
    return { ok: false, issues: [{ path: 'requestParameters.name', message: 'the cluster name is missing' }] };
  }
  const detail: NodegroupDetail = {
    kind: 'nodegroup-changed',
    operation,
    clusterName,
    nodegroupName: request.nodegroupName,
    // A type or subnet listed twice is judged once (a repeated list would repeat every capacity judgement).
    instanceTypes: unique(request.instanceTypes ?? fallback?.instanceTypes ?? []),
    subnets: unique(request.subnets ?? fallback?.subnets ?? []),
  };
  const remoteAccess = request.remoteAccess ?? fallback?.remoteAccess;
  if (remoteAccess !== undefined) {
    detail.remoteAccess = { sourceSecurityGroups: remoteAccess.sourceSecurityGroups ?? [] };
    if (remoteAccess.ec2SshKey !== undefined) detail.remoteAccess.ec2SshKey = remoteAccess.ec2SshKey;
  }
  const launchTemplate = request.launchTemplate ?? fallback?.launchTemplate;
  if (launchTemplate !== undefined) {
    detail.launchTemplate = {};
    if (launchTemplate.id !== undefined) detail.launchTemplate.id = launchTemplate.id;
    if (launchTemplate.name !== undefined) detail.launchTemplate.name = launchTemplate.name;
    if (launchTemplate.version !== undefined) detail.launchTemplate.version = launchTemplate.version;
  }
  const scaling = request.scalingConfig ?? fallback?.scalingConfig;
  if (scaling !== undefined) {
    detail.scaling = {};
    if (scaling.minSize !== undefined) detail.scaling.minSize = scaling.minSize;
    if (scaling.maxSize !== undefined) detail.scaling.maxSize = scaling.maxSize;
    if (scaling.desiredSize !== undefined) detail.scaling.desiredSize = scaling.desiredSize;
  }
  const amiType = request.amiType ?? fallback?.amiType;
  if (amiType !== undefined) detail.amiType = amiType;
  return { ok: true, detail };
}

/** `requestParameters`/`responseElements` of CreateNodegroup. */
export const createNodegroupSchema = z.object({
  requestParameters: z.object(nodegroupRequestFields),
  responseElements: z.optional(
    z.object({
      nodegroup: z.optional(
        z.object({
          ...nodegroupRequestFields,
          // The response names the cluster `clusterName` and has no `name`.
          nodegroupName: z.optional(z.string()),
          scalingConfig: z.optional(ScalingConfigSchema),
        }),
      ),
    }),
  ),
});

/** The new node group, with EKS defaults from the response where the request left them out. */
export function normaliseCreateNodegroup(input: z.output<typeof createNodegroupSchema>): Normalised {
  const created = input.responseElements?.nodegroup;
  const fallback = created === undefined ? undefined : { ...created, nodegroupName: created.nodegroupName ?? '' };
  return nodegroupDetail('create', input.requestParameters, fallback);
}

/** Parser of `CreateNodegroup`. */
export const createNodegroupParser = defineEventParser({
  source: 'eks.amazonaws.com',
  eventName: 'CreateNodegroup',
  schema: createNodegroupSchema,
  normalise: normaliseCreateNodegroup,
});
