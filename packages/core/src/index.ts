export * from './allow-patterns.ts';
export * from './capacity/index.ts';
export * from './cloudtrail/index.ts';
export * from './cloudtrail/sources.ts';
export type * from './cloudtrail/types.ts';
export * from './collections.ts';
export * from './config.ts';
export * from './detectors/define.ts';
export * from './detectors/index.ts';
export { IP_POOL_RULES, ipPoolExhaustion } from './detectors/ip-pool-exhaustion/index.ts';
export {
  MAX_LISTED_RULES,
  NODE_SG_RULES,
  NOT_A_POD_SG_NOW,
  type NodeSgRuleId,
  nodeSgWidening,
} from './detectors/node-sg-widening/index.ts';
export {
  RESOURCE_CONTROLLER_SESSION,
  TRUNK_ENI_RULES,
  type TrunkEniRuleId,
  trunkEniAllocation,
} from './detectors/trunk-eni-allocation/index.ts';
export * from './errors.ts';
export * from './evaluate.ts';
export * from './evaluate-events.ts';
export { findingId } from './findings/fingerprint.ts';
export * from './findings/memory-store.ts';
export * from './findings/record-loop.ts';
export * from './findings/transitions.ts';
export * from './inventory/index.ts';
export { type SgpStatus, sgpStatus } from './inventory/sgp.ts';
export type * from './ports.ts';
export * from './remediation/index.ts';
export * from './render/index.ts';
export * from './safe-parse.ts';
export * from './slack-routing.ts';
export * from './types/finding.ts';
export * from './types/inventory.ts';
export * from './yaml.ts';
export * from './yaml-needs.ts';
