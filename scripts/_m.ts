import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { createClientSet, createEventInventoryLoader, handleCloudTrailEvent, loadScopedSnapshotForEvent } from '@podnet-guard/aws';
import { createMemoryFindingStore, defaultGuardConfig } from '@podnet-guard/core';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { loadEvent } from '../test/helpers/events.ts';
import { sampleAccountSnapshot, serveFullSnapshot } from '../test/helpers/sample-aws.ts';
process.env.AWS_REGION ??= 'eu-west-1'; process.env.AWS_ACCESS_KEY_ID ??= 'A'; process.env.AWS_SECRET_ACCESS_KEY ??= 'B';
const ec2 = mockClient(EC2Client), eks = mockClient(EKSClient), asg = mockClient(AutoScalingClient);
serveFullSnapshot(sampleAccountSnapshot(), ec2, eks, asg);
const clients = createClientSet('eu-west-1');
const loadInventory = createEventInventoryLoader({ clientsFor: () => clients, cacheSeconds: 0, scoped: loadScopedSnapshotForEvent });
for (let run = 0; run < 3; run++) {
const e = loadEvent('ModifyNetworkInterfaceAttribute', 'group-set') as any;
const first = e.detail.requestParameters.groupSet.items[0];
e.detail.requestParameters.groupSet.items = Array.from({ length: 4997 }, (_, i) => ({ ...first, groupId: `${first.groupId.slice(0, -6)}${i.toString(16).padStart(6, '0')}` }));
ec2.resetHistory(); eks.resetHistory();
const t = performance.now();
const out = await handleCloudTrailEvent(e, { config: defaultGuardConfig(), loadInventory, store: createMemoryFindingStore(), targets: { sns: new SNSClient({}), topicArn: 'x' }, logger: { info() {}, warn() {}, error() {} }, recordMetric() {} });
console.log((performance.now() - t).toFixed(0), 'ms', JSON.stringify(out), 'ec2 calls', ec2.calls().length, ec2.calls().map((c) => c.args[0].constructor.name).join(',').slice(0, 300));
}
