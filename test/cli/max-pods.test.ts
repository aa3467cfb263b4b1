import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerCommand, runCli } from '../../packages/cli/src/cli.ts';
import { maxPodsCommand } from '../../packages/cli/src/commands/max-pods.ts';
import { EXIT } from '../../packages/cli/src/exit-codes.ts';
import { memoryIO } from '../../packages/cli/src/io.ts';

async function run(...argv: string[]) {
  const { io, stdout, stderr } = memoryIO();
  const code = await maxPodsCommand.run(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

registerCommand('max-pods', async () => maxPodsCommand);

/** Runs through cli.ts, which maps thrown errors to exit codes and one-line reasons. */
async function runThroughCli(...argv: string[]) {
  const { io, stdout, stderr } = memoryIO();
  const code = await runCli(['max-pods', ...argv], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('podnet-guard max-pods', () => {
  it.each([
    [['m5.large'], 29], // m5.large: 3 × (10 − 1) + 2 = 29
    [['m5.large', '--sgp'], 20], // SGP: (3 − 1) × (10 − 1) + 2 = 20
    [['m5.large', '--custom-networking'], 20], // custom networking: (3 − 1) × (10 − 1) + 2 = 20
    [['m5.large', '--prefix-delegation'], 434], // 3 × (10 − 1) × 16 + 2 = 434
    [['m5.large', '--prefix-delegation', '--cap', 'eks'], 110], // 434, EKS cap 110 (2 vCPUs)
    [['m5.large', '--prefix-delegation', '--cap', 'none'], 434],
    [['p5.48xlarge'], 100], // default card: 2 × (50 − 1) + 2 = 100
  ])('%j → %i', async (argv, maxPods) => {
    const result = await run(...argv, '--format', 'json');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).maxPods).toBe(maxPods);
  });

  it('prints the JSON keys scripts rely on', async () => {
    const result = await run('m5.large', '--sgp', '--format', 'json');
    expect(JSON.parse(result.stdout)).toEqual({
      instanceType: 'm5.large',
      maxPods: 20,
      enis: 3,
      ipv4PerEni: 10,
      reservedEnis: 1,
      mode: 'secondary-ip',
      cap: { kind: 'none', applied: false },
      branchInterfaces: 9,
      trunkingCompatible: true,
      formula: '(3 − 1) × (10 − 1) + 2 = 20',
      uncappedMaxPods: 20,
      usableEnis: 2,
      notes: ['a trunk holds 9 branch ENIs; SGP pods count against maxPods too'],
    });
  });

  it('prints the number and how it was reached as text by default', async () => {
    const result = await run('m5.large', '--sgp');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe(
      [
        'm5.large: maxPods 20',
        '  (3 − 1) × (10 − 1) + 2 = 20',
        '  mode secondary-ip; ENIs on the default network card 3, reserved 1 (SGP trunk); IPv4 per ENI 10',
        '  trunk ENI possible: yes; branch ENIs per trunk: 9',
        '  cap: none',
        '  note: a trunk holds 9 branch ENIs; SGP pods count against maxPods too',
        '',
      ].join('\n'),
    );
  });

  it('shows an applied cap and one not reached in text', async () => {
    expect((await run('m5.large', '--prefix-delegation', '--cap', 'eks')).stdout).toContain('cap: EKS 110 (applied)');
    expect((await run('m5.large', '--cap', 'eks')).stdout).toContain('cap: EKS 110 (not reached)');
  });

  // Was: the uncapped 737 printed as maxPods with "cap: EKS, not applied". EKS would configure 110 or 250, never 737,
  // so no figure is printed; the reason names both candidates.
  it('says the EKS cap could not be applied when the vCPUs are unknown, instead of an uncapped figure', async () => {
    const result = await runThroughCli('m5.metal', '--cap', 'eks');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'podnet-guard max-pods: the EKS cap could not be applied to m5.metal (vCPUs unknown: the size "metal" does not ' +
        'give the vCPUs): maxPods is 110 with at most 30 vCPUs, 250 with more (uncapped 737)\n',
    );
    expect((await runThroughCli('m5.metal')).stdout).toContain('m5.metal: maxPods 737');
  });

  describe('types only the VPC CNI table knows (eni-max-pods.txt)', () => {
    it.each([
      ['trn2.3xlarge', 30],
      ['hpc7a.12xlarge', 100],
      ['u-6tb1.metal', 147],
      ['c5a.metal', 737],
    ])('%s answers %i in the default mode', async (type, maxPods) => {
      const result = await runThroughCli(type, '--format', 'json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(EXIT.ok);
      expect(JSON.parse(result.stdout)).toMatchObject({ instanceType: type, maxPods, source: 'eni-max-pods.txt' });
    });

    it.each([['--prefix-delegation'], ['--sgp'], ['--custom-networking']])(
      'exits 2 "ENI layout unknown" with %s',
      async (flag) => {
        const result = await runThroughCli('trn2.3xlarge', flag);
        expect(result.code).toBe(EXIT.usage);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/^podnet-guard max-pods: ENI layout unknown for trn2\.3xlarge: .*\n$/);
        expect(result.stderr).toContain(flag);
      },
    );

    it('applies the EKS cap from the size, and refuses a figure when the size gives no vCPUs above 110', async () => {
      // trn2.3xlarge: 12 vCPUs by its size → cap 110, not reached by 30.
      expect((await runThroughCli('trn2.3xlarge', '--cap', 'eks')).stdout).toContain('under the EKS cap 110');
      // hpc7a.12xlarge: vCPUs unknown, but 100 is under either cap, so 100 holds.
      const hpc = await runThroughCli('hpc7a.12xlarge', '--cap', 'eks');
      expect(hpc.code).toBe(EXIT.ok);
      expect(hpc.stdout).toContain('hpc7a.12xlarge: maxPods 100');
      // u-18tb1.metal: 737 published, vCPUs unknown: 110 or 250.
      const metal = await runThroughCli('u-18tb1.metal', '--cap', 'eks');
      expect(metal.code).toBe(EXIT.usage);
      expect(metal.stderr).toContain('the EKS cap could not be applied to u-18tb1.metal');
    });

    it('a type the limits table knows is still computed, not read from the published table', async () => {
      const result = await runThroughCli('m5.large', '--format', 'json');
      expect(JSON.parse(result.stdout)).not.toHaveProperty('source');
    });
  });

  it.each([
    ['m5.lage', 'm5.large'],
    ['trn2.2xlarge', 'trn2.3xlarge'],
    ['hpc7a.12xl', 'hpc7a.12xlarge'],
  ])('suggests the nearest names for an unknown type: %s → %s', async (typo, nearest) => {
    const result = await runThroughCli(typo);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(new RegExp(`nearest: ${nearest.replace('.', '\\.')}[,( ]`));
  });

  it('names both reserved ENIs with custom networking and SGP', async () => {
    const result = await run('m5.large', '--sgp', '--custom-networking');
    expect(result.stdout).toContain('reserved 2 (custom networking, SGP trunk)');
  });

  it('fails with exit 2 and one line on stderr for an unknown type', async () => {
    const result = await runThroughCli('zz9.huge', '--format', 'json');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^podnet-guard max-pods: unknown instance type "zz9\.huge"; nearest: [^(]+ \(limits table: 1401 types/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('fails with exit 2 for prefix delegation on a Xen type', async () => {
    const result = await runThroughCli('m4.large', '--prefix-delegation');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toBe(
      'podnet-guard max-pods: prefix delegation is not supported on m4.large (xen hypervisor; it needs Nitro or bare metal)\n',
    );
  });

  it.each([
    [[], /give exactly one instance type \(got 0\)/],
    [['m5.large', 'm5.xlarge'], /give exactly one instance type \(got 2\)/],
    [['m5.large', '--cap', 'karpenter'], /--cap must be eks or none/],
    [['m5.large', '--format', 'yaml'], /--format must be json or text/],
    [['m5.large', '--max-enis', '2'], /unknown option --max-enis\nusage: podnet-guard max-pods <instance-type>/],
  ])('rejects bad usage %j with exit 2', async (argv, message) => {
    const result = await runThroughCli(...argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('the podnet-guard bin, max-pods', () => {
  const bin = fileURLToPath(new URL('../../packages/cli/bin/podnet-guard.js', import.meta.url));
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const spawn = (...argv: string[]) => spawnSync(process.execPath, [bin, ...argv], { cwd: repo, encoding: 'utf8' });

  it('prints JSON on stdout and exits 0', () => {
    const child = spawn('max-pods', 'm5.large', '--format', 'json');
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe(
      `${JSON.stringify(
        {
          instanceType: 'm5.large',
          maxPods: 29,
          enis: 3,
          ipv4PerEni: 10,
          reservedEnis: 0,
          mode: 'secondary-ip',
          cap: { kind: 'none', applied: false },
          branchInterfaces: 9,
          trunkingCompatible: true,
          formula: '3 × (10 − 1) + 2 = 29',
          uncappedMaxPods: 29,
          usableEnis: 3,
          notes: [],
        },
        null,
        2,
      )}\n`,
    );
  });

  it('exits 2 with one line on stderr for an unknown type', () => {
    const child = spawn('max-pods', 'zz9.huge');
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toMatch(/^podnet-guard max-pods: unknown instance type "zz9\.huge"; .*\n$/);
  });
});
