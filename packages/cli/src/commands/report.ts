/**
 * `podnet-guard report`: scans a snapshot or the live account like `scan`, and writes one self-contained HTML page
 * (`@podnet-guard/report`) with the findings table and, per cluster, the exposure, subnet headroom and maxPods pictures.
 */
import { writeFile } from 'node:fs/promises';
import { renderReport } from '@podnet-guard/report';
import type { Command } from '../cli.ts';
import { loadEvaluateOptions, parseDetectors, parseFailOn, reachesFailOn } from '../common.ts';
import { EXIT, ExitError } from '../exit-codes.ts';
import type { LiveDeps } from '../live.ts';
import { parseOptions } from '../options.ts';
import { scanFromSource } from '../scan-source.ts';

const USAGE = `usage: podnet-guard report [--snapshot <file|-> | --region <region>...] --out <file|-> [options]

Without --snapshot the live account is read (read-only calls) through the standard AWS chain
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL*). The page loads nothing from the network.

options:
  --out <file|->         where to write the HTML (- for standard output); required
  --snapshot <file|->    inventory snapshot (AWS API response shapes; see README)
  --region <region>      live: read this region (repeatable; default: AWS_REGION or the profile's region)
  --config <file>        config file (JSON or YAML): allow-list, thresholds
  --cluster <name>       only this cluster's findings and pictures (repeatable)
  --detector <id>        only this detector's findings (repeatable)
  --title <text>         page title (default "podnet-guard report")
  --fail-on <severity>   exit 1 (after writing the report) when an open finding reaches this severity

exit codes: 0 written, 1 --fail-on reached, 2 bad usage, unreadable input or unwritable output, 3 AWS could not be read`;

/** Builds the `report` command; tests pass fake live dependencies and a clock. */
export function createReportCommand(overrides: Partial<LiveDeps> = {}, now: () => Date = () => new Date()): Command {
  return {
    summary: 'Write an HTML report: findings table, exposure pictures, subnet headroom, maxPods against IP capacity.',
    usage: USAGE,
    async run(argv, io) {
      const values = parseOptions(argv, {
        out: { type: 'string' },
        snapshot: { type: 'string' },
        region: { type: 'string', multiple: true },
        config: { type: 'string' },
        cluster: { type: 'string', multiple: true },
        detector: { type: 'string', multiple: true },
        title: { type: 'string' },
        'fail-on': { type: 'string' },
      });
      if (!values.out) throw new ExitError(EXIT.usage, '--out <file> is required (- for standard output)');
      if (values.out === '-' && values.snapshot === '-')
        throw new ExitError(EXIT.usage, '--snapshot - and --out - cannot both use the standard streams');
      const failOn = parseFailOn(values['fail-on']);
      const detectors = parseDetectors(values.detector);
      const options = await loadEvaluateOptions(values, detectors, io);
      const { config } = options;
      const { result, inventories } = await scanFromSource(values, options, overrides, io);
      const html = renderReport({
        findings: result.findings,
        inventory: inventories,
        config,
        generatedAt: now(),
        suppressed: result.suppressed,
        notJudged: result.notJudged,
        ...(values.cluster ? { clusters: values.cluster } : {}),
        ...(values.title ? { title: values.title } : {}),
      });
      if (values.out === '-') io.stdout(html);
      else {
        try {
          await writeFile(values.out, html, 'utf8');
        } catch (cause) {
          const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
          throw new ExitError(EXIT.usage, `cannot write ${values.out}: ${code}`, { cause });
        }
        io.stderr(`wrote ${values.out}: ${result.findings.length} finding(s), ${html.length} bytes\n`);
      }
      return reachesFailOn(result.findings, failOn) ? EXIT.failOn : EXIT.ok;
    },
  };
}

/** The registered `report` command, over the real AWS clients. */
export const reportCommand: Command = createReportCommand();
