/**
 * `CreateLaunchTemplateVersion` (ec2.amazonaws.com). PascalCase record:
 * `requestParameters.CreateLaunchTemplateVersionRequest.{LaunchTemplateId|LaunchTemplateName, LaunchTemplateData}`,
 * whose lists are XML-style (`SecurityGroupId` may be `"sg-…"`, `{content, tag}` or a list of them). CloudTrail
 * replaces `UserData` with `<sensitiveDataRemoved>`, so only the fact that it was set is known.
 */
import * as z from 'zod/mini';
import { unique } from '../../collections.ts';
import { defineEventParser, type Normalised } from '../parser.ts';
import { content, integer, oneOrMany } from '../shapes.ts';
import type { EventDetail } from '../types.ts';

const NetworkInterfaceSchema = z.object({
  SecurityGroupId: oneOrMany(content),
  SecurityGroupIds: oneOrMany(content),
});

/** `requestParameters`/`responseElements` of CreateLaunchTemplateVersion. */
export const createLaunchTemplateVersionSchema = z.object({
  requestParameters: z.object({
    CreateLaunchTemplateVersionRequest: z.object({
      LaunchTemplateId: z.optional(z.string()),
      LaunchTemplateName: z.optional(z.string()),
      LaunchTemplateData: z.optional(
        z.object({
          InstanceType: z.optional(z.string()),
          UserData: z.optional(z.string()),
          SecurityGroupId: oneOrMany(content),
          SecurityGroupIds: oneOrMany(content),
          NetworkInterface: oneOrMany(NetworkInterfaceSchema),
          NetworkInterfaces: oneOrMany(NetworkInterfaceSchema),
        }),
      ),
    }),
  }),
  responseElements: z.optional(
    z.object({
      CreateLaunchTemplateVersionResponse: z.optional(
        z.object({
          launchTemplateVersion: z.optional(
            z.object({
              launchTemplateId: z.optional(z.string()),
              launchTemplateName: z.optional(z.string()),
              versionNumber: z.optional(integer),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** The template, the new version number (from the response), its instance type and security groups. */
export function normaliseCreateLaunchTemplateVersion(
  input: z.output<typeof createLaunchTemplateVersionSchema>,
): Normalised {
  const request = input.requestParameters.CreateLaunchTemplateVersionRequest;
  const version = input.responseElements?.CreateLaunchTemplateVersionResponse?.launchTemplateVersion;
  const data = request.LaunchTemplateData;
  const interfaces = [...(data?.NetworkInterface ?? []), ...(data?.NetworkInterfaces ?? [])];
  const launchTemplateId = request.LaunchTemplateId ?? version?.launchTemplateId;
  const launchTemplateName = request.LaunchTemplateName ?? version?.launchTemplateName;
  if (launchTemplateId === undefined && launchTemplateName === undefined) {
    return {
      ok: false,
      issues: [
        {
          path: 'requestParameters.CreateLaunchTemplateVersionRequest.LaunchTemplateId',
          message: 'neither LaunchTemplateId nor LaunchTemplateName is given',
        },
      ],
    };
  }
  const detail: Extract<EventDetail, { kind: 'launch-template-version-created' }> = {
    kind: 'launch-template-version-created',
    userDataChanged: data?.UserData !== undefined,
    groupIds: unique([
      ...(data?.SecurityGroupId ?? []),
      ...(data?.SecurityGroupIds ?? []),
      ...interfaces.flatMap((eni) => [...eni.SecurityGroupId, ...eni.SecurityGroupIds]),
    ]),
  };
  if (launchTemplateId !== undefined) detail.launchTemplateId = launchTemplateId;
  if (launchTemplateName !== undefined) detail.launchTemplateName = launchTemplateName;
  if (version?.versionNumber !== undefined) detail.versionNumber = version.versionNumber;
  if (data?.InstanceType !== undefined) detail.instanceType = data.InstanceType;
  return { ok: true, detail };
}

/** Parser of `CreateLaunchTemplateVersion`. */
export const createLaunchTemplateVersionParser = defineEventParser({
  source: 'ec2.amazonaws.com',
  eventName: 'CreateLaunchTemplateVersion',
  schema: createLaunchTemplateVersionSchema,
  normalise: normaliseCreateLaunchTemplateVersion,
});
