/** Callers of terraform-aws-modules/eks/aws (not yet). */
import type { Scope } from '../hcl/evaluate.ts';
import type { Candidate, EditPart } from './types.ts';

export function eksModuleCandidates(_scope: Scope, _part: EditPart): Candidate[] {
  return [];
}
