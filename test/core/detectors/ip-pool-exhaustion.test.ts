import {
  defaultGuardConfig,
  evaluateEvent,
  eventPatterns,
  type Finding,
  findingId,
  IP_POOL_RULES,
  ipPoolExhaustion,
  parseCloudTrailEvent,
  parseGuardConfig,
  scanInventory,
} from '@podnet-guard/core';
import { matchesAnyEventPattern } from '@podnet-guard/stack-tools';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../helpers/events.ts';
import { cases, FULL_SUBNET, fragmentedAccount, nonSgpAccount, sampleAccount } from './ip-pool-exhaustion.cases.ts';

const NOW = '2026-11-26T12:00:00.000Z';
const ONLY = ['ip-pool-exhaustion'] as const;

function parse(raw: unknown) {
  const parsed = parseCloudTrailEvent(raw);
  if (!parsed.ok) throw new Error(`sample did not parse: ${parsed.error.message}`);
  return parsed.event;
}

function run(
  row: { event?: () => unknown; inventory: () => ReturnType<typeof sampleAccount> },
  config = defaultGuardConfig(),
) {
  const inventory = row.inventory();
  return row.event
    ? evaluateEvent(parse(row.event()), inventory, { config, now: NOW, detectors: ONLY }).findings
    : scanInventory(inventory, { config, now: NOW, detectors: ONLY }).findings;
}

function open(findings: Finding[], rule: string, resource?: string) {
  return findings.filter(
    (finding) =>
      finding.rule === rule &&
      finding.status === 'open' &&
      (resource === undefined || finding.resources.some((ref) => ref.id === resource)),
  );
}

describe('ip-pool-exhaustion case table', () => {
  it('has a firing and a quiet row for every rule', () => {
    for (const rule of IP_POOL_RULES) {
      expect(
        cases.some((c) => c.rule === rule.id && c.expect === 'fires'),
        `${rule.id} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.rule === rule.id && c.expect === 'quiet'),
        `${rule.id} quiet`,
      ).toBe(true);
    }
  });

  it.each(cases)('$rule: $name', (row) => {
    const matching = open(run(row), row.rule, row.resource);
    if (row.expect === 'fires') {
      expect(matching).toHaveLength(1);
      if (row.severity) expect(matching[0]?.severity).toBe(row.severity);
    } else {
      expect(matching).toEqual([]);
    }
  });
});

describe('ip-pool-exhaustion routing', () => {
  const patterns = eventPatterns();
  it.each([
    ['CreateNetworkInterface', 'cni-routine'],
    ['AssignPrivateIpAddresses', 'cni-warm-pool'],
    ['RunInstances', 'nodegroup-launch'],
  ])('routine successful %s/%s needs no describe and matches no failure filter', (eventName, caseName) => {
    const raw = loadEvent(eventName, caseName);
    expect(ipPoolExhaustion.needsInventory(parse(raw))).toBe(false);
    const sub = ipPoolExhaustion.subscribes.find((candidate) => candidate.eventName === eventName);
    expect(
      matchesAnyEventPattern(
        (sub?.filters ?? []).map((detail) => ({ detail })),
        raw,
      ),
    ).toBe(false);
  });

  it.each([
    ['CreateNetworkInterface', 'trunk-failed-no-ips'],
    ['AssignPrivateIpAddresses', 'ip-prefix-insufficient-cidr-blocks'],
    ['AssignPrivateIpAddresses', 'ip-limit-exceeded'],
    ['RunInstances', 'subnet-no-free-ipv4'],
    ['CreateFleet', 'all-failed'],
    ['AttachNetworkInterface', 'failed-limit'],
    ['CreateLaunchTemplateVersion', 'maxpods-sgp-template'],
    ['UpdateNodegroupConfig', 'scale-up'],
  ])('%s/%s is routed and needs live state', (eventName, caseName) => {
    const raw = loadEvent(eventName, caseName);
    expect(matchesAnyEventPattern(patterns, raw)).toBe(true);
    expect(ipPoolExhaustion.needsInventory(parse(raw))).toBe(true);
  });

  it('does not route an InvalidParameterValue about something else, nor a partial fleet failure on capacity', () => {
    const sub = (name: string) => ipPoolExhaustion.subscribes.find((candidate) => candidate.eventName === name);
    const filters = (name: string) => (sub(name)?.filters ?? []).map((detail) => ({ detail }));
    expect(
      matchesAnyEventPattern(filters('RunInstances'), loadEvent('RunInstances', 'ip-invalid-parameter-other')),
    ).toBe(false);
    expect(matchesAnyEventPattern(filters('CreateFleet'), loadEvent('CreateFleet', 'karpenter-partial'))).toBe(false);
  });
});

describe('ip-pool-exhaustion findings', () => {
  it('puts the safe maxPods, its source and the SGP reason in a machine-readable remediation', () => {
    const [finding] = open(run({ inventory: sampleAccount }), 'max-pods-over-ip-capacity', 'prod/ng-sgp');
    expect(finding).toMatchObject({
      id: findingId('ip-pool-exhaustion', 'max-pods-over-ip-capacity', 'prod/ng-sgp'),
      detector: 'ip-pool-exhaustion',
      severity: 'high',
      clusters: ['prod'],
      remediation: {
        action: 'set-max-pods',
        target: { type: 'nodegroup', id: 'prod/ng-sgp', cluster: 'prod', nodeGroup: 'ng-sgp' },
        set: { maxPods: 44, instanceType: 'm5.xlarge' },
      },
      evidence: {
        details: {
          maxPods: 58,
          safeMaxPods: 44,
          formula: '(4 − 1) × (15 − 1) + 2 = 44',
          sgp: true,
        },
      },
    });
    // Managed node groups carry their value in EKS's own launch template, named through the Auto Scaling group.
    expect(finding?.evidence.details?.maxPodsSource).toMatch(
      /^EKS launch template eks-7ac90d13-.* v1 \(nodeadm maxPods\)$/,
    );
    expect(finding?.summary).toContain('trunk ENI takes an ENI slot');
  });

  it('says the maxPods came from the EKS default when no user data sets it', () => {
    const event = parse(loadEvent('CreateNodegroup', 'launch-template'));
    const { findings } = evaluateEvent(event, sampleAccount(), {
      config: defaultGuardConfig(),
      now: NOW,
      detectors: ONLY,
    });
    const [finding] = open(findings, 'max-pods-over-ip-capacity');
    expect(finding?.evidence.details).toMatchObject({ maxPods: 29, safeMaxPods: 20, instanceType: 'm5.large' });
    expect(finding?.evidence.details?.maxPodsSource).toMatch(/^EKS default for m5\.large/);
    expect(finding?.evidence.eventName).toBe('CreateNodegroup');
  });

  it('explains a fragmented subnet: free IPs but no /28 block', () => {
    const [finding] = open(run({ inventory: () => fragmentedAccount(true) }), 'subnet-headroom-low');
    expect(finding?.evidence.details).toMatchObject({ mode: 'prefix-delegation', freeIps: 235, freeBlocks: 0 });
    expect(finding?.summary).toMatch(/0 free aligned \/28 blocks/);
  });

  it('names the subnet, its cluster and its headroom when an instance launch fails for addresses', () => {
    const [finding] = open(
      run({ event: () => loadEvent('RunInstances', 'subnet-no-free-ipv4'), inventory: sampleAccount }),
      'subnet-exhausted',
    );
    expect(finding).toMatchObject({
      id: findingId('ip-pool-exhaustion', 'subnet-exhausted', FULL_SUBNET),
      clusters: ['prod'],
      resources: [{ type: 'subnet', id: FULL_SUBNET }],
      evidence: { errorCode: 'InvalidParameterValue', details: { freeIps: 3, freeBlocks: 0 } },
    });
    expect(finding?.blastRadius?.nodeGroups).toContain('ng-sgp');
  });

  it('fires the percentage rule from the configured threshold', () => {
    const strict = parseGuardConfig({ subnetHeadroomPercent: 99.9 });
    expect(open(run({ inventory: nonSgpAccount }, strict), 'subnet-headroom-low')).toHaveLength(1);
    expect(open(run({ inventory: nonSgpAccount }), 'subnet-headroom-low')).toEqual([]);
  });
});
