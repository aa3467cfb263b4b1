/**
 * One locator per file format (eksctl, Karpenter, CloudFormation, Terraform). A locator answers one question:
 * which blocks of this file could own this part of a change, and what edit makes each hold the planned value.
 */
import type { NodeGroupOwner, RulePlan, SecurityGroupOwner } from '@podnet-guard/core';
import type { HclDoc } from '../hcl/model.ts';
import type { TextEdit } from '../text-edit.ts';
import type { TreeDoc } from '../tree/types.ts';

/** The unit a locator finds: a change (a plan) is one part or several that must all be located. */
export type EditPart =
  | { kind: 'max-pods'; nodeGroup: NodeGroupOwner; maxPods: number }
  | {
      kind: 'instance-types';
      nodeGroup?: NodeGroupOwner;
      launchTemplate?: { id?: string; name?: string; cloudFormationLogicalId?: string };
      instanceTypes: string[];
    }
  | { kind: 'remote-access'; nodeGroup: NodeGroupOwner; sourceSecurityGroups: string[] }
  | { kind: 'revoke-rule'; securityGroup: SecurityGroupOwner; rule: RulePlan }
  | { kind: 'prefix-delegation'; cluster: string; warmPrefixTarget: number };

export interface ParsedFile {
  path: string;
  text: string;
  docs: TreeDoc[];
  /** A Terraform file (`.tf`, `.tfvars`): its syntax tree. */
  hcl?: HclDoc;
  /** Set when the file is rendered before use (Helm or Go templates, envsubst placeholders): never edited. */
  templated?: string;
}

/** A span of a repository file (string offsets). */
export interface SourceSpan {
  path: string;
  start: number;
  end: number;
}

/** A definition a candidate edits that other code reads too: edited only when the plan covers every reader. */
export interface SharedRead {
  /** The attribute the value is for (`instance_types`). */
  what: string;
  /** `var.x` / `local.y`. */
  reference: string;
  /** How many places read it. */
  count: number;
  /** Where this candidate reads it (its own attribute's expression). */
  entry: SourceSpan;
  /** Where it is read, each named by the block that reads it. */
  readers: (SourceSpan & { line: number; owner: string })[];
}

export interface Candidate {
  path: string;
  line: number;
  /** Why this owner cannot be edited safely (a computed value, a template); the change is then refused. */
  refusal?: string;
  /** The owner already holds the planned value. */
  done?: boolean;
  edits?: TextEdit[];
  /** What the format means for rolling the change out (appended to the change summary). */
  note?: string;
  /** Shared definitions its edits change (see {@link SharedRead}). */
  shared?: SharedRead[];
}

export interface Locator {
  readonly format: string;
  locate(file: ParsedFile, part: EditPart, repo: readonly ParsedFile[]): Candidate[];
}
