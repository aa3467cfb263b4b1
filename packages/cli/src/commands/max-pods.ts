/** `podnet-guard max-pods`: maxPods of an instance type under VPC CNI settings, offline, with the arithmetic. */
import { parseArgs } from 'node:util';
import {
  computeMaxPods,
  INSTANCE_LIMITS_COUNT,
  INSTANCE_LIMITS_SOURCE,
  type MaxPodsResult,
  UnknownInstanceTypeError,
} from '@podnet-guard/core';
import type { Command } from '../cli.ts';
import { EXIT, ExitError } from '../exit-codes.ts';

const USAGE = `usage: podnet-guard max-pods <instance-type> [options]

options:
  --prefix-delegation    VPC CNI prefix delegation (ENABLE_PREFIX_DELEGATION=true): × 16 per slot
  --custom-networking    VPC CNI custom networking (ENIConfig): the primary ENI carries no pods
  --sgp                  security groups for pods (ENABLE_POD_ENI=true): the trunk ENI takes one slot
  --cap eks|none         eks: the managed node group cap (110, or 250 above 30 vCPUs); default none
  --format json|text     output format (default text)`;

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
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'prefix-delegation': { type: 'boolean' },
        'custom-networking': { type: 'boolean' },
        sgp: { type: 'boolean' },
        cap: { type: 'string' },
        format: { type: 'string' },
      },
    });
    const [instanceType, ...extra] = positionals;
    if (instanceType === undefined || extra.length > 0) {
      throw new ExitError(EXIT.usage, `give exactly one instance type (got ${positionals.length})\n${USAGE}`);
    }
    const format = values.format ?? 'text';
    if (format !== 'json' && format !== 'text') {
      throw new ExitError(EXIT.usage, `--format must be json or text, not ${JSON.stringify(format)}`);
    }
    const cap = values.cap ?? 'none';
    if (cap !== 'eks' && cap !== 'none') {
      throw new ExitError(EXIT.usage, `--cap must be eks or none, not ${JSON.stringify(cap)}`);
    }

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
      const table = `${INSTANCE_LIMITS_COUNT} types from ${INSTANCE_LIMITS_SOURCE.repo}@${INSTANCE_LIMITS_SOURCE.commit.slice(0, 7)}`;
      throw new ExitError(
        EXIT.usage,
        `unknown instance type ${JSON.stringify(instanceType)} (limits table: ${table})`,
        {
          cause: error,
        },
      );
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
