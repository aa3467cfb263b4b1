/** The command table. Each command module is loaded only when run, so `max-pods` never loads the AWS SDK. */
import { registerCommand } from '../cli.ts';

registerCommand('noop', async () => ({ summary: '', usage: '', run: async () => 0 }));
