/**
 * What cli.ts gives every command without code of its own: help with exit codes (`--help` and `help <command>`),
 * `--version`, repeated and exclusive options refused, parser errors told as the command's usage line, and the one-line
 * reason when `--fail-on` fails the run.
 */
import { describe, expect, it } from 'vitest';
import {
  type Command,
  registerCommand,
  registeredCommands,
  repeatableOptions,
  runCli,
} from '../../packages/cli/src/cli.ts';
import '../../packages/cli/src/commands/index.ts';
import packageJson from '../../packages/cli/package.json' with { type: 'json' };
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';

const SAMPLE = 'events/inventory/sample-account.json';

async function cli(...argv: string[]) {
  const { io, stdout, stderr } = memoryIO();
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('help and version', () => {
  it('prints the version on --version', async () => {
    expect(await cli('--version')).toEqual({
      code: EXIT.ok,
      stdout: `podnet-guard ${packageJson.version}\n`,
      stderr: '',
    });
  });

  it.each(registeredCommands())('help %s prints the same as %s --help, with its exit codes', async (name) => {
    const viaHelp = await cli('help', name);
    expect(viaHelp.code).toBe(EXIT.ok);
    expect(viaHelp.stdout).toBe((await cli(name, '--help')).stdout);
    expect(viaHelp.stdout).toMatch(/\nexit codes:\n {2}0 {2}the command ran/);
    expect(viaHelp.stdout).toContain('  2  bad usage or unreadable input');
  });

  it.each([
    ['scan', [0, 1, 2, 3]],
    ['evaluate-event', [0, 1, 2]],
    ['max-pods', [0, 2]],
    ['snapshot', [0, 2, 3]],
    ['findings', [0, 2, 3]],
  ])('%s lists exit codes %j', async (name, codes) => {
    const help = (await cli('help', name)).stdout;
    const listed = [...help.slice(help.indexOf('exit codes:')).matchAll(/^ {2}(\d) /gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(codes);
  });

  it('refuses help for an unknown command', async () => {
    const result = await cli('help', 'nope');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/^podnet-guard: unknown command "nope"\n/);
  });

  it('lists every command and how to get its help', async () => {
    const result = await cli('help');
    expect(result.code).toBe(EXIT.ok);
    for (const name of registeredCommands()) expect(result.stdout).toContain(`  ${name}`);
    expect(result.stdout).toContain('podnet-guard help <command>');
  });
});

describe('option checks every command gets', () => {
  it('refuses an option given twice', async () => {
    const result = await cli('scan', '--snapshot', SAMPLE, '--snapshot', 'other.json');
    expect(result).toEqual({
      code: EXIT.usage,
      stdout: '',
      stderr: 'podnet-guard scan: --snapshot was given more than once; it takes one value\n',
    });
    expect((await cli('scan', `--format=json`, '--snapshot', SAMPLE, '--format', 'text')).code).toBe(EXIT.usage);
  });

  it('accepts a repeatable option given twice', async () => {
    const result = await cli(
      'scan',
      '--snapshot',
      SAMPLE,
      '--detector',
      'node-sg-widening',
      '--detector',
      'ip-pool-exhaustion',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.ok);
  });

  it.each([
    [['--snapshot', SAMPLE, '--api', 'https://example.com'], 'give --snapshot or --api, not both'],
    [['--snapshot', SAMPLE, '--region', 'eu-west-1'], 'give --snapshot or --region, not both'],
    [['--api', 'https://example.com', '--config', 'c.yaml'], 'give --api or --config, not both'],
  ])('refuses exclusive options %j', async (argv, reason) => {
    expect(await cli('scan', ...argv)).toEqual({
      code: EXIT.usage,
      stdout: '',
      stderr: `podnet-guard scan: ${reason}\n`,
    });
  });

  it.each([
    [['scan', '--nope'], 'unknown option --nope'],
    [['scan', '--snapshot'], '--snapshot needs a value'],
    [['max-pods', 'm5.large', '--sgp=yes'], '--sgp takes no value'],
    [['snapshot', 'extra'], 'unexpected argument "extra"'],
  ])('tells %j as the usage line, not the parser wording', async (argv, reason) => {
    const [name] = argv as [string];
    const result = await cli(...argv);
    expect(result.code).toBe(EXIT.usage);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`podnet-guard ${name}: ${reason}`);
    expect(lines[1]).toMatch(new RegExp(`^usage: podnet-guard ${name} `));
    expect(lines[2]).toBe(`(podnet-guard help ${name} lists the options)`);
    expect(result.stderr).not.toContain('positional argument');
  });

  it('checks a command registered later the same way (repeatable read from its usage)', async () => {
    let ran = 0;
    const command: Command = {
      summary: 'test',
      usage: 'usage: podnet-guard later [options]\n\n  --tag <t>   a tag (repeatable)\n  --out <f>   a file',
      run: async () => {
        ran += 1;
        return EXIT.ok;
      },
    };
    registerCommand('later', async () => command);
    expect(repeatableOptions(command.usage)).toEqual(new Set(['tag']));
    expect((await cli('later', '--tag', 'a', '--tag', 'b')).code).toBe(EXIT.ok);
    expect((await cli('later', '--out', 'a', '--out', 'b')).code).toBe(EXIT.usage);
    expect(ran).toBe(1);
    expect((await cli('help', 'later')).stdout).toContain('  3  AWS or the API could not be read');
  });
});

describe('--fail-on', () => {
  it('exits 1 with one line saying how many open findings reached which severity', async () => {
    const json = JSON.parse((await cli('scan', '--snapshot', SAMPLE, '--format', 'json')).stdout) as {
      findings: { severity: string; status: string }[];
    };
    const high = json.findings.filter((f) => f.status === 'open' && ['critical', 'high'].includes(f.severity)).length;
    expect(high).toBeGreaterThan(0);
    const result = await cli('scan', '--snapshot', SAMPLE, '--fail-on', 'high');
    expect(result.code).toBe(EXIT.failOn);
    expect(result.stderr).toMatch(
      new RegExp(`^--fail-on high: ${high} open findings? reached high or above \\(.*\\)\\n$`),
    );
  });

  it('says nothing and exits 0 when no open finding reaches the severity', async () => {
    const json = JSON.parse((await cli('scan', '--snapshot', SAMPLE, '--format', 'json')).stdout) as {
      findings: { severity: string }[];
    };
    expect(json.findings.some((f) => f.severity === 'critical')).toBe(false);
    const result = await cli('scan', '--snapshot', SAMPLE, '--fail-on', 'critical');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stderr).toBe('');
  });
});
