/**
 * `node-sg-widening`: a change that widens what every pod on an EKS node can be reached from, or reach.
 *
 * With the VPC CNI every pod on a node uses the node's security group, so opening a node SG opens every pod on those
 * nodes, and an SG that admits a node SG admits every non-SGP pod on them. An SGP pod's branch ENI carries SGs of its
 * own (pod SGs), judged for ingress like node SGs under their own rule ids. Each rule (or family of rules that judge
 * together) is one file here, and joins the change to the clusters, node groups, nodes and pod IPs it exposes.
 *
 * @example
 * const findings = nodeSgWidening.evaluateEvent(parsedEvent, { inventory, config, now });
 */
import { defineDetector } from '../define.ts';
import { egressWidened } from './egress-widened.ts';
import { DETECTOR } from './finding.ts';
import { nodeSgIngress } from './ingress.ts';
import { nodegroupRemoteAccessOpen } from './nodegroup-remote-access-open.ts';
import { openSgAttachedToNodes } from './open-sg-attached-to-nodes.ts';
import { podSgIngress } from './pod-sg-ingress.ts';
import { reverseGrants } from './reverse-grants.ts';

export { MAX_LISTED_RULES, NOT_A_POD_SG_NOW } from './ingress.ts';
export { egressWidened, nodegroupRemoteAccessOpen, nodeSgIngress, openSgAttachedToNodes, podSgIngress, reverseGrants };

/** The rules in the order they are listed: the ingress families (node SGs, pod SGs), the reverse grants, then the single rules. */
const UNITS = [
  nodeSgIngress,
  podSgIngress,
  reverseGrants,
  egressWidened,
  openSgAttachedToNodes,
  nodegroupRemoteAccessOpen,
] as const;

export const nodeSgWidening = defineDetector({ id: DETECTOR, rules: UNITS });

export const NODE_SG_RULES = [
  ...nodeSgIngress.rules,
  ...podSgIngress.rules,
  ...reverseGrants.rules,
  egressWidened.rule,
  openSgAttachedToNodes.rule,
  nodegroupRemoteAccessOpen.rule,
] as const;

export type NodeSgRuleId = (typeof NODE_SG_RULES)[number]['id'];
