/**
 * Pairing requested rules with the rules EC2 created (their ids): whether the response comes in request order (the
 * fast path) or not (the key map), every rule gets the id of a created rule of exactly its shape and peer, and no id
 * is given twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachRuleIds } from '../../../packages/core/src/cloudtrail/sg-permissions.ts';
import type { SgRule } from '../../../packages/core/src/cloudtrail/types.ts';

const ruleArb: fc.Arbitrary<SgRule> = fc.record({
  protocol: fc.constantFrom('tcp', '6', 'udp', '-1'),
  fromPort: fc.constantFrom(22, 443),
  toPort: fc.constantFrom(22, 443),
  peer: fc.oneof(
    fc.record({ kind: fc.constant('ipv4' as const), cidr: fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '1.2.3.0/24') }),
    fc.record({ kind: fc.constant('ipv6' as const), cidr: fc.constantFrom('::/0', '2001:DB8::/32', '2001:db8::/32') }),
    fc.record({ kind: fc.constant('security-group' as const), groupId: fc.constantFrom('sg-1', 'sg-2') }),
  ),
});

/** The comparison the pairing promises: protocol names or numbers, ports unless all traffic, the peer exactly. */
function sameRule(a: SgRule, b: SgRule): boolean {
  const name = (protocol: string) => ({ '6': 'tcp', '17': 'udp' })[protocol] ?? protocol;
  if (name(a.protocol) !== name(b.protocol)) return false;
  if (name(a.protocol) !== '-1' && (a.fromPort !== b.fromPort || a.toPort !== b.toPort)) return false;
  return (
    JSON.stringify({ ...a.peer, cidr: (a.peer as { cidr?: string }).cidr?.toLowerCase() }) ===
    JSON.stringify({ ...b.peer, cidr: (b.peer as { cidr?: string }).cidr?.toLowerCase() })
  );
}

describe('attachRuleIds', () => {
  it.each([
    ['in request order', false],
    ['in another order', true],
  ])('pairs each rule with a created rule of its exact shape, each id once (response %s)', (_name, shuffle) => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 30 }), fc.nat(), (shapes, seed) => {
        const rules = shapes.map((rule) => structuredClone(rule));
        let described = shapes.map((rule, index) => ({ ...structuredClone(rule), ruleId: `sgr-${index}` }));
        if (shuffle)
          described = described
            .map((_, i) => described[(i * 7 + seed) % described.length]!)
            .filter((r, i, all) => all.indexOf(r) === i);
        attachRuleIds(rules, described);
        const used = rules.map((rule) => rule.ruleId).filter((id) => id !== undefined);
        expect(new Set(used).size).toBe(used.length);
        for (const rule of rules) {
          if (rule.ruleId === undefined) continue;
          const created = described.find((d) => d.ruleId === rule.ruleId)!;
          expect(sameRule(rule, created)).toBe(true);
        }
        // With one answer per rule, every rule is paired.
        if (described.length === rules.length) expect(used).toHaveLength(rules.length);
      }),
      { seed: 20261202, numRuns: 500 },
    );
  });

  it('does not pair in order when the answer lists the same peers on other ports', () => {
    const world = { kind: 'ipv4' as const, cidr: '0.0.0.0/0' };
    const rules: SgRule[] = [
      { protocol: 'tcp', fromPort: 22, toPort: 22, peer: world },
      { protocol: 'tcp', fromPort: 443, toPort: 443, peer: world },
    ];
    attachRuleIds(rules, [
      { protocol: 'tcp', fromPort: 443, toPort: 443, peer: world, ruleId: 'sgr-443' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, peer: world, ruleId: 'sgr-22' },
    ]);
    expect(rules.map((rule) => rule.ruleId)).toEqual(['sgr-22', 'sgr-443']);
  });

  it('pairs in order, protocol numbers with names and IPv6 in any case', () => {
    const rules: SgRule[] = [
      { protocol: '6', fromPort: 22, toPort: 22, peer: { kind: 'ipv6', cidr: '2001:DB8::/32' } },
      { protocol: '-1', peer: { kind: 'security-group', groupId: 'sg-1' } },
    ];
    attachRuleIds(rules, [
      { protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'ipv6', cidr: '2001:db8::/32' }, ruleId: 'sgr-a' },
      { protocol: '-1', peer: { kind: 'security-group', groupId: 'sg-1' }, ruleId: 'sgr-b' },
    ]);
    expect(rules.map((rule) => rule.ruleId)).toEqual(['sgr-a', 'sgr-b']);
  });
});
