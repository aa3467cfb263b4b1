/** The command table. Each command module is loaded only when run, so `max-pods` never loads the AWS SDK. */
import { registerCommand } from '../cli.ts';

registerCommand(
  'scan',
  async () => (await import('./scan.ts')).scanCommand,
  'judge existing state: a snapshot file, the live account, or the deployed API',
);
registerCommand(
  'evaluate-event',
  async () => (await import('./evaluate-event.ts')).evaluateEventCommand,
  'what CloudTrail events expose, judged against a snapshot',
);
registerCommand(
  'max-pods',
  async () => (await import('./max-pods.ts')).maxPodsCommand,
  'the maxPods an instance type can serve, and how it was reached',
);
registerCommand(
  'snapshot',
  async () => (await import('./snapshot.ts')).snapshotCommand,
  'write an inventory snapshot of the live account, one file per region',
);
registerCommand(
  'findings',
  async () => (await import('./findings.ts')).findingsCommand,
  'list the findings of the deployed service',
);
registerCommand(
  'suppress',
  async () => (await import('./suppress.ts')).suppressCommand,
  'mute a finding until a date, or lift it',
);
registerCommand(
  'report',
  async () => (await import('./report.ts')).reportCommand,
  'write a self-contained HTML report with pictures of exposure and IP capacity',
);
registerCommand(
  'remediate',
  async () => (await import('./remediate.ts')).remediateCommand,
  'edit the eksctl, Karpenter, CloudFormation or Terraform files that own what findings report',
);
