/**
 * `ip-pool-exhaustion`: pods that cannot get an IP address, and the state that will soon cause it.
 *
 * Catches EC2 calls of the VPC CNI, the VPC resource controller, Auto Scaling and Karpenter that fail because a cluster
 * subnet has no free address or no free aligned /28 block (`subnet-exhausted`), or because a node has no ENI or IP
 * slot left (`node-ip-limit`); and, from state, cluster subnets that cannot hold their node groups at maximum size
 * (`subnet-headroom-low`), and node groups whose maxPods exceeds the pod IPs their nodes can hold
 * (`max-pods-over-ip-capacity`; on SGP clusters the trunk takes an ENI slot, which the EKS default maxPods ignores).
 * One file per rule; the capacity math is in `capacity/`, the inventory facts in `inventory/queries.ts`.
 *
 * @example
 * const findings = ipPoolExhaustion.evaluateEvent(parsedEvent, { inventory, config, now });
 */
import { defineDetector } from '../define.ts';
import { maxPodsOverIpCapacity } from './max-pods-over-ip-capacity.ts';
import { nodeIpLimit } from './node-ip-limit.ts';
import { subnetExhausted } from './subnet-exhausted.ts';
import { subnetHeadroomLow } from './subnet-headroom-low.ts';

export { isSubnetExhaustionError, NODE_LIMIT_CODES, SUBNET_EXHAUSTED_CODES } from './events.ts';
export { maxPodsOverIpCapacity, nodeIpLimit, subnetExhausted, subnetHeadroomLow };

/** The rule definitions, in the order the README and the findings list them. */
export const IP_POOL_RULES = [
  subnetExhausted.rule,
  nodeIpLimit.rule,
  subnetHeadroomLow.rule,
  maxPodsOverIpCapacity.rule,
] as const;

export type IpPoolRuleId = (typeof IP_POOL_RULES)[number]['id'];

export const ipPoolExhaustion = defineDetector({
  id: 'ip-pool-exhaustion',
  // node-ip-limit first: the merged subscriptions (and so the EventBridge rules, named by position) keep their order.
  rules: [nodeIpLimit, subnetExhausted, subnetHeadroomLow, maxPodsOverIpCapacity],
});
