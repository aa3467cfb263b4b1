/**
 * `RunInstances` (ec2.amazonaws.com): instances launched (e.g. by an Auto Scaling group of a node group), with the
 * instance type and subnets, from the request and from `responseElements.instancesSet` when the call succeeded.
 */
import * as z from 'zod/mini';
import { unique } from '../../collections.ts';
import { defineEventParser, type Normalised } from '../parser.ts';
import { items, stringish, tagSpecificationSet, tagsFor } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

/** `requestParameters`/`responseElements` of RunInstances. */
export const runInstancesSchema = z.object({
  requestParameters: z.object({
    instanceType: z.optional(z.string()),
    subnetId: z.optional(z.string()),
    networkInterfaceSet: items(z.object({ subnetId: z.optional(z.string()) })),
    launchTemplate: z.optional(
      z.object({
        launchTemplateId: z.optional(z.string()),
        launchTemplateName: z.optional(z.string()),
        version: z.optional(stringish),
      }),
    ),
    tagSpecificationSet,
  }),
  responseElements: z.optional(
    z.object({
      instancesSet: items(
        z.object({
          instanceId: z.string(),
          instanceType: z.optional(z.string()),
          subnetId: z.optional(z.string()),
        }),
      ),
    }),
  ),
});

/** The launched instances, their types and subnets. */
export function normaliseRunInstances(input: z.output<typeof runInstancesSchema>): Normalised {
  const request = input.requestParameters;
  const launched = input.responseElements?.instancesSet ?? [];
  const detail: Extract<EventDetail, { kind: 'instances-launched' }> = {
    kind: 'instances-launched',
    operation: 'run-instances',
    instanceTypes: unique([request.instanceType, ...launched.map((instance) => instance.instanceType)].filter(isSet)),
    subnetIds: unique(
      [
        request.subnetId,
        ...request.networkInterfaceSet.map((eni) => eni.subnetId),
        ...launched.map((instance) => instance.subnetId),
      ].filter(isSet),
    ),
    instanceIds: launched.map((instance) => instance.instanceId),
    tags: tagsFor(request.tagSpecificationSet, 'instance'),
    fleetErrors: [],
  };
  const template = request.launchTemplate;
  if (template !== undefined) {
    detail.launchTemplate = {};
    if (template.launchTemplateId !== undefined) detail.launchTemplate.id = template.launchTemplateId;
    if (template.launchTemplateName !== undefined) detail.launchTemplate.name = template.launchTemplateName;
    if (template.version !== undefined) detail.launchTemplate.version = template.version;
  }
  return { ok: true, detail };
}

function isSet(value: string | undefined): value is string {
  return value !== undefined;
}

/** Parser of `RunInstances`. */
export const runInstancesParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'RunInstances',
  schema: runInstancesSchema,
  normalise: normaliseRunInstances,
});
