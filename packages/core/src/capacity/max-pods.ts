/**
 * maxPods as the VPC CNI and EKS compute it, with the arithmetic shown (the CLI prints it, findings quote it).
 * Rules (see docs/aws-facts.md): secondary IPs `ENIs × (IPs per ENI − 1) + 2`, prefix delegation `× 16`, ENIs
 * from the default network card only, custom networking and the SGP trunk each take one ENI, and the EKS cap
 * (managed node groups, max-pods-calculator.sh) of 110, or 250 above 30 vCPUs.
 */
import { PodnetGuardError } from '../errors.ts';
import type { InstanceTypeInfo } from '../types/inventory.ts';
import { type InstanceLimits, lookupInstanceLimits } from './instance-limits.ts';

/** IPv4 addresses in one delegated /28 prefix. */
export const IPS_PER_PREFIX = 16;
/** EKS cap for types with at most {@link EKS_CAP_VCPU_THRESHOLD} vCPUs. */
export const EKS_CAP_LOW = 110;
/** EKS cap for types with more than {@link EKS_CAP_VCPU_THRESHOLD} vCPUs. */
export const EKS_CAP_HIGH = 250;
/** max-pods-calculator.sh: `if [ "$CPU_COUNT" -gt 30 ]` → 250, else 110 (so exactly 30 vCPUs gets 110). */
export const EKS_CAP_VCPU_THRESHOLD = 30;

/** Prefix delegation was asked for on a type the VPC CNI cannot assign prefixes on (Xen, or unknown hypervisor). */
export class PrefixDelegationUnsupportedError extends PodnetGuardError {
  readonly instanceType: string;
  readonly hypervisor: string | undefined;
  constructor(instanceType: string, hypervisor: string | undefined) {
    super(
      hypervisor === undefined
        ? `cannot tell whether ${instanceType} supports prefix delegation (hypervisor unknown)`
        : `prefix delegation is not supported on ${instanceType} (${hypervisor} hypervisor; it needs Nitro or bare metal)`,
    );
    this.instanceType = instanceType;
    this.hypervisor = hypervisor;
  }
}

export interface MaxPodsOptions {
  /** VPC CNI `ENABLE_PREFIX_DELEGATION=true`: each secondary slot holds a /28 (16 IPs). */
  prefixDelegation?: boolean;
  /** VPC CNI custom networking (ENIConfig): the primary ENI carries no pods. */
  customNetworking?: boolean;
  /** Security groups for pods (`ENABLE_POD_ENI=true`): the trunk ENI takes one ENI slot. */
  sgp?: boolean;
  /** `eks`: the managed-node-group / max-pods-calculator.sh cap; `none` (default): nodeadm and the CNI apply none. */
  cap?: 'eks' | 'none';
  /** The type's DescribeInstanceTypes facts: vCPUs for the cap, ENIs and IPs for types the table lacks. */
  instanceTypeInfo?: InstanceTypeInfo;
}

export interface MaxPodsCap {
  kind: 'eks' | 'none';
  /** The ceiling (110 or 250) when it could be decided. */
  value?: number;
  /** True when the ceiling lowered maxPods. */
  applied: boolean;
  /** Why the EKS ceiling could not be decided (vCPUs unknown); maxPods is then uncapped. */
  unknownReason?: string;
  /** The vCPU count the ceiling was decided by: `2`, or bounds such as `1–2` where the name allows no more. */
  vcpus?: string;
  /** Where `vcpus` came from: `DescribeInstanceTypes`, or the size in the type's name (`size "large"`). */
  vcpuSource?: string;
}

/** What {@link computeMaxPods} returns: the value and every input it was reached from. */
export interface MaxPodsResult {
  instanceType: string;
  maxPods: number;
  /** maxPods before any cap. */
  uncappedMaxPods: number;
  /** ENIs of the default network card. */
  enis: number;
  ipv4PerEni: number;
  /** ENIs that carry no pod IPs: custom networking's primary ENI, the SGP trunk. */
  reservedEnis: number;
  usableEnis: number;
  mode: 'secondary-ip' | 'prefix-delegation';
  cap: MaxPodsCap;
  /** Branch ENIs (SGP pods) one trunk holds; undefined when unknown. They still count against maxPods. */
  branchInterfaces: number | undefined;
  trunkingCompatible: boolean | 'unknown';
  /** The arithmetic, e.g. `(3 − 1) × (10 − 1) + 2 = 20`. */
  formula: string;
  /** Where the ENI and IP counts came from. */
  limitsSource: InstanceLimits['source'];
  /** Remarks a reader should see next to the number. */
  notes: string[];
}

/** A vCPU count known exactly (`min === max`) or only within bounds, or why it is unknown. */
export type VcpuEstimate = { min: number; max: number; basis: string } | { unknownReason: string };

/**
 * vCPUs from an instance type's size, offline. Bounds rather than a guess where families differ (`t2.small` has 1,
 * `t3.small` 2); undefined-with-reason where the name says nothing (`metal`) or the family breaks the pattern (HPC
 * types run one vCPU per core: `hpc7a.12xlarge` has 24, not 48).
 *
 * @example
 * estimateVcpusFromName('m5.8xlarge'); // { min: 32, max: 32, basis: 'size "8xlarge"' }
 * estimateVcpusFromName('t3.small'); // { min: 1, max: 2, basis: 'size "small"' }
 */
export function estimateVcpusFromName(instanceType: string): VcpuEstimate {
  const dot = instanceType.indexOf('.');
  const family = dot > 0 ? instanceType.slice(0, dot) : '';
  const size = dot > 0 ? instanceType.slice(dot + 1) : '';
  if (!family || !size) return { unknownReason: `${JSON.stringify(instanceType)} is not <family>.<size>` };
  if (family.startsWith('hpc')) {
    return { unknownReason: `HPC family ${family} has one vCPU per core; its size does not give the vCPUs` };
  }
  const basis = `size ${JSON.stringify(size)}`;
  if (size === 'nano' || size === 'micro' || size === 'small' || size === 'medium') return { min: 1, max: 2, basis };
  if (size === 'large') return { min: 2, max: 2, basis };
  const xlarge = /^(\d*)xlarge$/.exec(size) ?? /^metal-(\d+)xl$/.exec(size);
  if (xlarge) {
    const vcpus = 4 * Number(xlarge[1] || 1);
    return { min: vcpus, max: vcpus, basis };
  }
  return { unknownReason: `the size ${JSON.stringify(size)} does not give the vCPUs` };
}

function eksCap(instanceType: string, info: InstanceTypeInfo | undefined, uncapped: number): MaxPodsCap {
  const estimate: VcpuEstimate =
    info?.vcpus !== undefined
      ? { min: info.vcpus, max: info.vcpus, basis: 'DescribeInstanceTypes' }
      : estimateVcpusFromName(instanceType);
  if ('unknownReason' in estimate) {
    return { kind: 'eks', applied: false, unknownReason: `vCPUs unknown: ${estimate.unknownReason}` };
  }
  const count = estimate.min === estimate.max ? `${estimate.min}` : `${estimate.min}–${estimate.max}`;
  // Bounds come only from sizes up to `medium` (1–2 vCPUs), far from the threshold, so `max` decides.
  const value = estimate.max > EKS_CAP_VCPU_THRESHOLD ? EKS_CAP_HIGH : EKS_CAP_LOW;
  return { kind: 'eks', value, applied: uncapped > value, vcpus: count, vcpuSource: estimate.basis };
}

/**
 * maxPods for `instanceType` under the given VPC CNI settings, with the arithmetic.
 *
 * Usable ENIs (default card ENIs minus reserved ones) clamp at 0, and 0 usable ENIs give 0 pods, not 2: Karpenter's
 * rule. The `+ 2` stands for the host-network pods (aws-node, kube-proxy), but a node that has no ENI left for pod
 * IPs is unusable for the workload and reporting 2 would hide that.
 *
 * @throws UnknownInstanceTypeError when neither the table nor `instanceTypeInfo` knows the type.
 * @throws PrefixDelegationUnsupportedError for prefix delegation on a type that is neither Nitro nor bare metal.
 * @example
 * computeMaxPods('m5.large').formula; // '3 × (10 − 1) + 2 = 29'
 * computeMaxPods('m5.large', { sgp: true }).maxPods; // 20: (3 − 1) × (10 − 1) + 2
 * computeMaxPods('m5.large', { prefixDelegation: true, cap: 'eks' }).maxPods; // 110 (432 + 2 capped)
 */
export function computeMaxPods(instanceType: string, options: MaxPodsOptions = {}): MaxPodsResult {
  const limits = lookupInstanceLimits(instanceType, options.instanceTypeInfo);
  const notes: string[] = [];
  const mode = options.prefixDelegation ? 'prefix-delegation' : 'secondary-ip';
  if (mode === 'prefix-delegation' && limits.prefixDelegationSupported !== true) {
    throw new PrefixDelegationUnsupportedError(limits.instanceType, limits.hypervisor);
  }

  let reservedEnis = options.customNetworking ? 1 : 0;
  if (options.sgp) {
    if (limits.trunkingCompatible === false) {
      // No trunk can attach, so none takes a slot; SGP pods simply cannot run on this type.
      notes.push(`${limits.instanceType} cannot hold a trunk ENI: pods with their own security groups cannot run here`);
    } else {
      reservedEnis += 1;
      if (limits.trunkingCompatible === 'unknown') {
        notes.push(`whether ${limits.instanceType} can hold a trunk ENI is unknown; one ENI reserved for it`);
      }
    }
  }

  const enis = limits.defaultCardMaxEnis;
  const ips = limits.ipv4PerEni;
  const usableEnis = Math.max(0, enis - reservedEnis);
  const perEni = mode === 'prefix-delegation' ? (ips - 1) * IPS_PER_PREFIX : ips - 1;
  const uncappedMaxPods = usableEnis === 0 ? 0 : usableEnis * perEni + 2;

  const enisTerm = reservedEnis > 0 ? `(${enis} − ${reservedEnis})` : `${enis}`;
  const prefixTerm = mode === 'prefix-delegation' ? ` × ${IPS_PER_PREFIX}` : '';
  let formula =
    usableEnis === 0
      ? `max(0, ${enis} − ${reservedEnis}) = 0 usable ENIs → 0`
      : `${enisTerm} × (${ips} − 1)${prefixTerm} + 2 = ${uncappedMaxPods}`;

  let cap: MaxPodsCap = { kind: 'none', applied: false };
  let maxPods = uncappedMaxPods;
  if (options.cap === 'eks') {
    cap = eksCap(limits.instanceType, options.instanceTypeInfo, uncappedMaxPods);
    if (cap.value !== undefined) {
      const relation = cap.value === EKS_CAP_HIGH ? '>' : '≤';
      const why = `${cap.vcpus} vCPUs ${relation} ${EKS_CAP_VCPU_THRESHOLD}, from ${cap.vcpuSource}`;
      if (cap.applied) {
        maxPods = cap.value;
        formula += `, EKS cap ${cap.value} (${why}) → ${maxPods}`;
      } else {
        formula += `, under the EKS cap ${cap.value} (${why})`;
      }
    } else {
      formula += `, EKS cap unknown (${cap.unknownReason})`;
    }
  }
  if (limits.branchInterfaces !== undefined && options.sgp && limits.trunkingCompatible === true) {
    notes.push(`a trunk holds ${limits.branchInterfaces} branch ENIs; SGP pods count against maxPods too`);
  }

  return {
    instanceType: limits.instanceType,
    maxPods,
    uncappedMaxPods,
    enis,
    ipv4PerEni: ips,
    reservedEnis,
    usableEnis,
    mode,
    cap,
    branchInterfaces: limits.branchInterfaces,
    trunkingCompatible: limits.trunkingCompatible,
    formula,
    limitsSource: limits.source,
    notes,
  };
}

/**
 * The arithmetic of a result said in words, for summaries a person reads (`formula` keeps the terse form): which ENIs
 * carry pods, how many pod IPs each, the two host-network pods (aws-node, kube-proxy) that need no pod IP, and the
 * EKS cap when it lowered the figure.
 *
 * @example plainMaxPodsArithmetic(computeMaxPods('m5.large', { sgp: true }), 'the SGP trunk')
 * // '2 ENIs for pods (of 3; 1 taken by the SGP trunk) × 9 pod IPs each + 2 host-network pods = 20'
 */
export function plainMaxPodsArithmetic(
  result: MaxPodsResult,
  reservedFor = 'the SGP trunk or custom networking',
): string {
  if (result.usableEnis === 0) return `none of its ${result.enis} ENIs is left for pods, so 0`;
  const reserved =
    result.reservedEnis > 0 ? ` (of ${result.enis}; ${result.reservedEnis} taken by ${reservedFor})` : '';
  const perEni =
    result.mode === 'prefix-delegation'
      ? `${result.ipv4PerEni - 1} /28 prefixes of ${IPS_PER_PREFIX} pod IPs`
      : `${result.ipv4PerEni - 1} pod IPs`;
  const enis = `${result.usableEnis} ${result.usableEnis === 1 ? 'ENI' : 'ENIs'} for pods${reserved}`;
  const capped = result.cap.applied ? `, capped at ${result.maxPods} by EKS` : '';
  return `${enis} × ${perEni} each + 2 host-network pods = ${result.uncappedMaxPods}${capped}`;
}
