/** `podnet-guard max-pods`: maxPods of an instance type under VPC CNI settings, offline, with the arithmetic. */
// Narrow entry points of core: the command loads the capacity tables only, not the detectors and their schemas.
import { UnknownInstanceTypeError } from '@podnet-guard/core/errors';
import { INSTANCE_LIMITS_COUNT, INSTANCE_LIMITS_SOURCE } from '@podnet-guard/core/instance-limits';
import { nearestInstanceTypes } from '@podnet-guard/core/instance-names';
import {
  computeMaxPods,
  EKS_CAP_HIGH,
  EKS_CAP_LOW,
  EKS_CAP_VCPU_THRESHOLD,
  estimateVcpusFromName,
  type MaxPodsResult,
} from '@podnet-guard/core/max-pods';
import { EniLayoutUnknownError, publishedMaxPods } from '@podnet-guard/core/published-max-pods';
import type { Command } from '../cli.ts';
import { EXIT, type ExitCode, ExitError } from '../exit-codes.ts';
import type { CommandIO } from '../io.ts';
import { parseFormat, parseOptionsAndOperands } from '../options.ts';

const USAGE = `usage: podnet-guard max-pods <instance-type> [options]

options:
  --prefix-delegation    VPC CNI prefix delegation (ENABLE_PREFIX_DELEGATION=true): × 16 per slot
  --custom-networking    VPC CNI custom networking (ENIConfig): the primary ENI carries no pods
  --sgp                  security groups for pods (ENABLE_POD_ENI=true): the trunk ENI takes one slot
  --cap eks|none         eks: the managed node group cap (110, or 250 above 30 vCPUs); default none
  --format json|text     output format (default text)

Types the limits table lacks but the VPC CNI publishes a value for (eni-max-pods.txt: trn2.3xlarge, hpc7a.*, …)
answer in the default mode only; their ENI layout is unknown.`;

/** The JSON the command prints: the brief's keys first, so scripts can rely on them. */
function toJson(result: MaxPodsResult): Record<string, unknown> {
  return {
    instanceType: result.instanceType,
    maxPods: result.maxPods,
    enis: result.enis,
    ipv4PerEni: result.ipv4PerEni,
    reservedEnis: result.reservedEnis,
    mode: result.mode,
    cap: result.cap,
    branchInterfaces: result.branchInterfaces ?? null,
    trunkingCompatible: result.trunkingCompatible,
    formula: result.formula,
    uncappedMaxPods: result.uncappedMaxPods,
    usableEnis: result.usableEnis,
    notes: result.notes,
  };
}

function toText(result: MaxPodsResult, reasons: string[]): string {
  const trunking = result.trunkingCompatible === 'unknown' ? 'unknown' : result.trunkingCompatible ? 'yes' : 'no';
  const cap =
    result.cap.kind === 'none'
      ? 'none'
      : result.cap.value !== undefined
        ? `EKS ${result.cap.value}${result.cap.applied ? ' (applied)' : ' (not reached)'}`
        : `EKS, not applied (${result.cap.unknownReason})`;
  const lines = [
    `${result.instanceType}: maxPods ${result.maxPods}`,
    `  ${result.formula}`,
    `  mode ${result.mode}; ENIs on the default network card ${result.enis}` +
      (result.reservedEnis > 0 ? `, reserved ${result.reservedEnis} (${reasons.join(', ')})` : '') +
      `; IPv4 per ENI ${result.ipv4PerEni}`,
    `  trunk ENI possible: ${trunking}; branch ENIs per trunk: ${result.branchInterfaces ?? 'unknown'}`,
    `  cap: ${cap}`,
    ...result.notes.map((note) => `  note: ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const maxPodsCommand: Command = {
  summary: 'Compute maxPods for an instance type (secondary IPs or prefix delegation, custom networking, SGP, caps).',
  usage: USAGE,
  exitCodes: [EXIT.ok, EXIT.usage],
  async run(argv, io) {
    const { values, positionals } = parseOptionsAndOperands(argv, {
      'prefix-delegation': { type: 'boolean' },
      'custom-networking': { type: 'boolean' },
      sgp: { type: 'boolean' },
      cap: { type: 'string' },
      format: { type: 'string' },
    });
    const [instanceType, ...extra] = positionals;
    if (instanceType === undefined || extra.length > 0) {
      throw new ExitError(EXIT.usage, `give exactly one instance type (got ${positionals.length})\n${USAGE}`);
    }
    const format = parseFormat(values.format);
    const cap = values.cap ?? 'none';
    if (cap !== 'eks' && cap !== 'none') {
      throw new ExitError(EXIT.usage, `--cap must be eks or none, not ${JSON.stringify(cap)}`);
    }
    const layoutModes = [
      ...(values['prefix-delegation'] ? ['--prefix-delegation'] : []),
      ...(values['custom-networking'] ? ['--custom-networking'] : []),
      ...(values.sgp ? ['--sgp'] : []),
    ];

    let result: MaxPodsResult;
    try {
      result = computeMaxPods(instanceType, {
        prefixDelegation: values['prefix-delegation'] ?? false,
        customNetworking: values['custom-networking'] ?? false,
        sgp: values.sgp ?? false,
        cap,
      });
    } catch (error) {
      if (!(error instanceof UnknownInstanceTypeError)) throw error; // other typed errors: cli.ts prints them, exit 2
      const published = publishedMaxPods(instanceType);
      if (published === undefined) throw unknownType(instanceType, error);
      if (layoutModes.length > 0)
        throw new EniLayoutUnknownError(instanceType.trim().toLowerCase(), layoutModes.join(' '));
      return writePublished(instanceType.trim().toLowerCase(), published, cap, format, io);
    }
    if (result.cap.kind === 'eks' && result.cap.value === undefined && result.uncappedMaxPods > EKS_CAP_LOW) {
      throw capNotApplied(result.instanceType, result.uncappedMaxPods, result.cap.unknownReason ?? 'vCPUs unknown');
    }

    if (format === 'json') {
      io.stdout(`${JSON.stringify(toJson(result), null, 2)}\n`);
    } else {
      const reasons = [
        ...(values['custom-networking'] ? ['custom networking'] : []),
        ...(values.sgp && result.trunkingCompatible !== false ? ['SGP trunk'] : []),
      ];
      io.stdout(toText(result, reasons));
    }
    return EXIT.ok;
  },
};

function unknownType(instanceType: string, cause: unknown): ExitError {
  const table = `${INSTANCE_LIMITS_COUNT} types from ${INSTANCE_LIMITS_SOURCE.repo}@${INSTANCE_LIMITS_SOURCE.commit.slice(0, 7)}`;
  const nearest = nearestInstanceTypes(instanceType);
  return new ExitError(
    EXIT.usage,
    `unknown instance type ${JSON.stringify(instanceType)}; nearest: ${nearest.join(', ')} (limits table: ${table})`,
    { cause },
  );
}

/**
 * With `--cap eks` and vCPUs the name does not give, maxPods is 110 or up to 250: no single figure is right, so the
 * command says so instead of printing the uncapped value (which EKS would never configure).
 */
function capNotApplied(instanceType: string, uncapped: number, reason: string): ExitError {
  const high = Math.min(uncapped, EKS_CAP_HIGH);
  return new ExitError(
    EXIT.usage,
    `the EKS cap could not be applied to ${instanceType} (${reason}): maxPods is ${EKS_CAP_LOW} with at most ` +
      `${EKS_CAP_VCPU_THRESHOLD} vCPUs, ${high} with more (uncapped ${uncapped})`,
  );
}

/** A type known only by its published default-mode value; `--cap eks` applies when the name gives the vCPUs. */
function writePublished(
  instanceType: string,
  published: number,
  cap: 'eks' | 'none',
  format: 'json' | 'text',
  io: CommandIO,
): ExitCode {
  let maxPods = published;
  let formula = `published by the VPC CNI (eni-max-pods.txt): ${published}`;
  const notes = ['ENI layout unknown: only the default mode (secondary IPs) can be answered for this type'];
  if (cap === 'eks') {
    const vcpus = estimateVcpusFromName(instanceType);
    if ('unknownReason' in vcpus) {
      if (published > EKS_CAP_LOW)
        throw capNotApplied(instanceType, published, `vCPUs unknown: ${vcpus.unknownReason}`);
      formula += `, under any EKS cap (${EKS_CAP_LOW} or ${EKS_CAP_HIGH})`;
    } else {
      const value = vcpus.max > EKS_CAP_VCPU_THRESHOLD ? EKS_CAP_HIGH : EKS_CAP_LOW;
      maxPods = Math.min(published, value);
      formula += maxPods < published ? `, EKS cap ${value} → ${maxPods}` : `, under the EKS cap ${value}`;
    }
  }
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify({ instanceType, maxPods, uncappedMaxPods: published, mode: 'secondary-ip', formula, source: 'eni-max-pods.txt', notes }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      `${instanceType}: maxPods ${maxPods}\n  ${formula}\n${notes.map((note) => `  note: ${note}\n`).join('')}`,
    );
  }
  return EXIT.ok;
}
