/** Reading CloudFormation templates as plain values: resources, parameters, and what a property value resolves to. */
import { isRecord } from '../tree/types.ts';

export type Template = Record<string, unknown> & { Resources: Record<string, unknown> };

export function isTemplate(value: unknown): value is Template {
  if (!isRecord(value) || !isRecord(value.Resources)) return false;
  return (
    value.AWSTemplateFormatVersion !== undefined ||
    Object.values(value.Resources).some(
      (resource) => isRecord(resource) && typeof resource.Type === 'string' && resource.Type.startsWith('AWS::'),
    )
  );
}

export interface Resource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
}

export function resources(template: Template, type?: string): Resource[] {
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) => {
    if (!isRecord(resource) || typeof resource.Type !== 'string') return [];
    if (type && resource.Type !== type) return [];
    return [{ logicalId, type: resource.Type, properties: isRecord(resource.Properties) ? resource.Properties : {} }];
  });
}

/** What a property value is: a literal, a parameter (with its Default), or computed by another intrinsic. */
export type Resolved =
  | { kind: 'literal'; value: unknown }
  | { kind: 'parameter'; name: string; default: unknown; parameter: Record<string, unknown> }
  | { kind: 'resource'; logicalId: string }
  | { kind: 'computed'; intrinsic: string };

export function resolve(template: Template, value: unknown): Resolved {
  if (!isRecord(value)) return { kind: 'literal', value };
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string') {
    const parameters = isRecord(template.Parameters) ? template.Parameters : {};
    const parameter = parameters[value.Ref];
    if (isRecord(parameter)) return { kind: 'parameter', name: value.Ref, default: parameter.Default, parameter };
    if (isRecord(template.Resources[value.Ref])) return { kind: 'resource', logicalId: value.Ref };
    return { kind: 'computed', intrinsic: `Ref ${value.Ref}` };
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const target = value['Fn::GetAtt'];
    if (Array.isArray(target) && typeof target[0] === 'string') return { kind: 'resource', logicalId: target[0] };
  }
  return { kind: 'computed', intrinsic: keys.join(', ') || 'an object' };
}

/** The resource a `{ Ref }` / `{ Fn::GetAtt }` points to. */
export function referencedResource(template: Template, value: unknown): string | undefined {
  const resolved = resolve(template, value);
  return resolved.kind === 'resource' ? resolved.logicalId : undefined;
}

/** Whether anything other than `except` refers to `logicalId` (Ref, GetAtt, DependsOn, ${Sub}). */
export function isReferenced(template: Template, logicalId: string, except: string): boolean {
  const seen = (value: unknown, depth: number): boolean => {
    if (depth > 100) return true;
    if (typeof value === 'string') return value.includes(`\${${logicalId}}`) || value.includes(`\${${logicalId}.`);
    if (Array.isArray(value)) return value.some((item) => seen(item, depth + 1));
    if (!isRecord(value)) return false;
    if (value.Ref === logicalId) return true;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
    return Object.values(value).some((item) => seen(item, depth + 1));
  };
  return Object.entries(template).some(([section, body]) => {
    if (section !== 'Resources') return seen(body, 0);
    return Object.entries(template.Resources).some(([id, resource]) => {
      if (id === except) return false;
      const dependsOn = isRecord(resource) ? resource.DependsOn : undefined;
      if (dependsOn === logicalId || (Array.isArray(dependsOn) && dependsOn.includes(logicalId))) return true;
      return seen(resource, 0);
    });
  });
}
