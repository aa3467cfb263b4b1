import { openRepo, remediate } from '@podnet-guard/remediate';

const ng = (cluster: string, nodeGroup: string) => ({
  type: 'nodegroup',
  id: `${cluster}/${nodeGroup}`,
  cluster,
  nodeGroup,
});
const f = (id: string, remediation: unknown) => ({
  id,
  detector: 'x',
  rule: 'x',
  severity: 'high',
  status: 'open',
  remediation,
});
const S = '20240101000000000000000003';
const C19 = 'ex-eks-managed-node-group';
const sets: Record<string, unknown[]> = {
  v19: [
    f('mp', { action: 'set-max-pods', target: ng(C19, `complete-eks-mng-${S}`), set: { maxPods: 29 }, reason: 't' }),
    f('it', {
      action: 'set-instance-types',
      target: ng(C19, `custom_ami-${S}`),
      set: { instanceTypes: ['m6g.large'] },
      reason: 't',
    }),
    f('it-default', {
      action: 'set-instance-types',
      target: ng(C19, `default_node_group-${S}`),
      set: { instanceTypes: ['m6g.large'] },
      reason: 't',
    }),
    f('ssh', {
      action: 'restrict-remote-access',
      target: ng(C19, `default_node_group-${S}`),
      set: { remoteAccess: 'none' },
      reason: 't',
    }),
    f('pd', {
      action: 'enable-prefix-delegation',
      target: { type: 'cluster', id: C19, cluster: C19 },
      set: { WARM_PREFIX_TARGET: 1, maxPods: { [`custom_ami-${S}`]: 110 } },
      reason: 't',
    }),
  ],
  v20: [
    f('mp', {
      action: 'set-max-pods',
      target: ng('ex-eks-mng-al2023', `example-${S}`),
      set: { maxPods: 29 },
      reason: 't',
    }),
    f('pd', {
      action: 'enable-prefix-delegation',
      target: { type: 'cluster', id: 'ex-eks-mng-al2023', cluster: 'ex-eks-mng-al2023' },
      set: { WARM_PREFIX_TARGET: 1, maxPods: { [`example-${S}`]: 110 } },
      reason: 't',
    }),
  ],
};
sets.v21 = sets.v20!;
const which = process.argv[2]!;
const dir = `test/fixtures/remediate/terraform/eks-${which}`;
const report = await remediate({ findings: sets[which] }, await openRepo(dir));
console.log(report.diff);
console.log(
  JSON.stringify({ refused: report.refused, unsupported: report.unsupported, done: report.alreadyDone }, null, 1),
);
