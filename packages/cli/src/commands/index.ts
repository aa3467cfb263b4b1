/** The command table. Each command module is loaded only when run, so `max-pods` never loads the AWS SDK. */
import { registerCommand } from '../cli.ts';

registerCommand('scan', async () => (await import('./scan.ts')).scanCommand);
registerCommand('evaluate-event', async () => (await import('./evaluate-event.ts')).evaluateEventCommand);
registerCommand('max-pods', async () => (await import('./max-pods.ts')).maxPodsCommand);
registerCommand('snapshot', async () => (await import('./snapshot.ts')).snapshotCommand);
registerCommand('findings', async () => (await import('./findings.ts')).findingsCommand);
registerCommand('suppress', async () => (await import('./suppress.ts')).suppressCommand);
