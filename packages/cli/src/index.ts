export { runCli, usageText } from './cli.ts';
export { loadConfigFile } from './common.ts';
export { EXIT, ExitError } from './exit-codes.ts';
export { type CommandIO, memoryIO } from './io.ts';
