/**
 * `trunk-eni-allocation`: security groups for pods (SGP) that cannot work on some nodes. With SGP on, the VPC resource
 * controller gives every trunk-capable node a trunk ENI and hangs one branch ENI per SGP pod off it. When the trunk
 * cannot be created or attached, when a node's type cannot trunk, or when a trunk runs out of branches, SGP pods stay
 * pending and nothing in AWS says why. The rules read those failures out of CloudTrail and out of live state:
 *
 * - `trunk-create-failed.ts`, `branch-create-failed.ts`, `trunk-attach-failed.ts`: failed controller calls;
 * - `sgp-nodes.ts`: the nodes of an SGP cluster, `instance-type-not-trunk-compatible.ts` and `trunk-missing.ts`;
 * - `branch-capacity-low.ts`: trunks near their branch limit.
 *
 * Trunk facts of instance types are in `capacity/trunk.ts`; SGP signals in `../sgp.ts`.
 *
 * @example
 * const findings = trunkEniAllocation.evaluateEvent(parsedEvent, { inventory, config, now });
 * const stateFindings = trunkEniAllocation.scan({ inventory, config, now });
 */
import { defineDetector } from '../define.ts';
import { branchCapacityLow } from './branch-capacity-low.ts';
import { branchCreateFailed } from './branch-create-failed.ts';
import { DETECTOR } from './calls.ts';
import { sgpNodes } from './sgp-nodes.ts';
import { trunkAttachFailed } from './trunk-attach-failed.ts';
import { trunkCreateFailed } from './trunk-create-failed.ts';

export { RESOURCE_CONTROLLER_SESSION } from './calls.ts';

/** The detector's rules, in the order the README lists them. */
export const TRUNK_ENI_RULES = [
  trunkCreateFailed.rule,
  trunkAttachFailed.rule,
  branchCreateFailed.rule,
  ...sgpNodes.rules,
  branchCapacityLow.rule,
] as const;

export type TrunkEniRuleId = (typeof TRUNK_ENI_RULES)[number]['id'];

export const trunkEniAllocation = defineDetector({
  id: DETECTOR,
  // Order decides the order of subscriptions (so of the generated EventBridge rules) and of findings.
  rules: [trunkCreateFailed, branchCreateFailed, sgpNodes, trunkAttachFailed, branchCapacityLow],
});
