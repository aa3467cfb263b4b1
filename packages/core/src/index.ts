export * from './allow-patterns.ts';
export * from './capacity/index.ts';
export * from './cloudtrail/index.ts';
export * from './cloudtrail/sources.ts';
export type * from './cloudtrail/types.ts';
export * from './config.ts';
export * from './detectors/define.ts';
export * from './detectors/index.ts';
export {
  clusterSubnets,
  effectiveMaxPods,
  type GroupNeed,
  groupNeed,
  IP_POOL_RULES,
  ipPoolExhaustion,
} from './detectors/ip-pool-exhaustion.ts';
export { MAX_LISTED_RULES, NODE_SG_RULES, nodeSgWidening } from './detectors/node-sg-widening.ts';
export { type SgpStatus, sgpStatus } from './detectors/sgp.ts';
export * from './detectors/subnet-headroom.ts';
export * from './detectors/trunk-eni-allocation.ts';
export * from './errors.ts';
export * from './evaluate.ts';
export * from './evaluate-events.ts';
export * from './findings/escape.ts';
export { findingId } from './findings/fingerprint.ts';
export { LINKS } from './findings/links.ts';
export * from './findings/memory-store.ts';
export * from './findings/message.ts';
export * from './findings/record-loop.ts';
export * from './findings/render-chat.ts';
export * from './findings/render-email.ts';
export * from './findings/render-slack.ts';
export * from './findings/render-text.ts';
export * from './findings/transitions.ts';
export * from './findings/wording.ts';
export * from './inventory/index.ts';
export type * from './ports.ts';
export * from './remediation/index.ts';
export * from './safe-parse.ts';
export * from './slack-routing.ts';
export * from './types/finding.ts';
export * from './types/inventory.ts';
export * from './yaml.ts';
export * from './yaml-needs.ts';
