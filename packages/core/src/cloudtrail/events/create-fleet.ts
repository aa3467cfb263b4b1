/**
 * `CreateFleet` (ec2.amazonaws.com), as Karpenter and EC2 Fleet call it. The record is PascalCase
 * (`requestParameters.CreateFleetRequest`) with XML-style lists (one element is an object, several an array), and the
 * response reports failed overrides in `CreateFleetResponse.errorSet.item` rather than as an event error.
 */
import * as z from 'zod/mini';
import { unique } from '../../collections.ts';
import { stripErrorPrefix } from '../envelope.ts';
import { defineEventParser, type Normalised } from '../parser.ts';
import { content, oneOrMany, stringish } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

const OverridesSchema = z.object({
  instanceType: z.optional(z.string()),
  subnetId: z.optional(z.string()),
});

const LaunchTemplateAndOverridesSchema = z.optional(
  z.object({
    launchTemplateSpecification: z.optional(
      z.object({ launchTemplateId: z.optional(z.string()), launchTemplateName: z.optional(z.string()) }),
    ),
    overrides: z.optional(OverridesSchema),
  }),
);

/** `requestParameters`/`responseElements` of CreateFleet. */
export const createFleetSchema = z.object({
  requestParameters: z.object({
    CreateFleetRequest: z.object({
      LaunchTemplateConfigs: oneOrMany(
        z.object({
          LaunchTemplateSpecification: z.optional(
            z.object({
              LaunchTemplateId: z.optional(z.string()),
              LaunchTemplateName: z.optional(z.string()),
              Version: z.optional(stringish),
            }),
          ),
          Overrides: oneOrMany(z.object({ InstanceType: z.optional(z.string()), SubnetId: z.optional(z.string()) })),
        }),
      ),
      TagSpecification: oneOrMany(
        z.object({
          ResourceType: z.optional(z.string()),
          Tag: oneOrMany(z.object({ Key: z.string(), Value: z.optional(z.string()) })),
        }),
      ),
    }),
  }),
  responseElements: z.optional(
    z.object({
      CreateFleetResponse: z.optional(
        z.object({
          errorSet: oneOrMany(
            z.object({
              errorCode: z.string(),
              errorMessage: z.optional(z.string()),
              launchTemplateAndOverrides: LaunchTemplateAndOverridesSchema,
            }),
          ),
          fleetInstanceSet: oneOrMany(
            z.object({
              instanceIds: oneOrMany(content),
              instanceType: z.optional(z.string()),
              launchTemplateAndOverrides: LaunchTemplateAndOverridesSchema,
            }),
          ),
        }),
      ),
    }),
  ),
});

type FleetDetail = Extract<EventDetail, { kind: 'instances-launched' }>;

/** The instance types and subnets the fleet could use, the instances it launched and the overrides that failed. */
export function normaliseCreateFleet(input: z.output<typeof createFleetSchema>): Normalised {
  const request = input.requestParameters.CreateFleetRequest;
  const response = input.responseElements?.CreateFleetResponse;
  const overrides = request.LaunchTemplateConfigs.flatMap((config) => config.Overrides);
  const launched = response?.fleetInstanceSet ?? [];
  const detail: FleetDetail = {
    kind: 'instances-launched',
    operation: 'create-fleet',
    instanceTypes: unique(
      [
        ...overrides.map((override) => override.InstanceType),
        ...launched.map((set) => set.instanceType ?? set.launchTemplateAndOverrides?.overrides?.instanceType),
      ].filter(isSet),
    ),
    subnetIds: unique(
      [
        ...overrides.map((override) => override.SubnetId),
        ...launched.map((set) => set.launchTemplateAndOverrides?.overrides?.subnetId),
      ].filter(isSet),
    ),
    instanceIds: launched.flatMap((set) => set.instanceIds),
    tags: {},
    fleetErrors: (response?.errorSet ?? []).map((error) => {
      const fleetError: FleetDetail['fleetErrors'][number] = { errorCode: stripErrorPrefix(error.errorCode) };
      if (error.errorMessage !== undefined) fleetError.errorMessage = error.errorMessage;
      const override = error.launchTemplateAndOverrides?.overrides;
      if (override?.instanceType !== undefined) fleetError.instanceType = override.instanceType;
      if (override?.subnetId !== undefined) fleetError.subnetId = override.subnetId;
      return fleetError;
    }),
  };
  const instanceSpecs = request.TagSpecification.filter((spec) => spec.ResourceType === 'instance');
  for (const spec of instanceSpecs.length > 0 ? instanceSpecs : request.TagSpecification) {
    for (const tag of spec.Tag) detail.tags[tag.Key] = tag.Value ?? '';
  }
  // Karpenter names one template per config; the first stands for the fleet.
  const template = request.LaunchTemplateConfigs[0]?.LaunchTemplateSpecification;
  if (template !== undefined) {
    detail.launchTemplate = {};
    if (template.LaunchTemplateId !== undefined) detail.launchTemplate.id = template.LaunchTemplateId;
    if (template.LaunchTemplateName !== undefined) detail.launchTemplate.name = template.LaunchTemplateName;
    if (template.Version !== undefined) detail.launchTemplate.version = template.Version;
  }
  return { ok: true, detail };
}

function isSet(value: string | undefined): value is string {
  return value !== undefined;
}

/** Parser of `CreateFleet`. */
export const createFleetParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'CreateFleet',
  schema: createFleetSchema,
  normalise: normaliseCreateFleet,
});
