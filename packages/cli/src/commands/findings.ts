/** `podnet-guard findings`: lists the deployed service's findings through its API, following every page. */
import { DETECTOR_IDS, type ListedFinding, renderReportText, SEVERITIES } from '@podnet-guard/core';
import { apiUrlOf, checkAnswer, createApiClient } from '../api-client.ts';
import type { Command } from '../cli.ts';
import { EXIT, type ExitCode, ExitError } from '../exit-codes.ts';
import { parseFormat, parseOptions } from '../options.ts';

const STATUSES = ['open', 'resolved', 'suppressed'] as const;

const USAGE = `usage: podnet-guard findings --api <url> [options]

options:
  --api <url>            the deployed API (or PODNET_GUARD_API_URL): https, requests signed with your AWS
                         credentials; http only on a loopback host (npm start), unsigned without credentials
  --status <status>      ${STATUSES.join('|')} (default open)
  --cluster <name>       only findings that name this cluster
  --severity <severity>  only this severity: ${SEVERITIES.join(', ')}
  --detector <id>        only this detector: ${DETECTOR_IDS.join(', ')}
  --format json|text     output format (default text): the counts first, then one block per finding, most severe first
  --verbose              text output: add each finding's evidence (event or state, details, nodes, resources) and links`;

export const findingsCommand: Command = {
  summary: "List the deployed service's findings.",
  usage: USAGE,
  async run(argv, io): Promise<ExitCode> {
    const values = parseOptions(argv, {
      api: { type: 'string' },
      status: { type: 'string' },
      cluster: { type: 'string' },
      severity: { type: 'string' },
      detector: { type: 'string' },
      format: { type: 'string' },
      verbose: { type: 'boolean' },
    });
    const format = parseFormat(values.format);
    oneOf('--status', values.status, STATUSES);
    oneOf('--severity', values.severity, SEVERITIES);
    oneOf('--detector', values.detector, DETECTOR_IDS);
    const api = createApiClient({ baseUrl: apiUrlOf(values.api, io.env), env: io.env });
    const query: Record<string, string> = { limit: '100' };
    for (const key of ['status', 'cluster', 'severity', 'detector'] as const) {
      const value = values[key];
      if (value !== undefined) query[key] = value;
    }
    const findings: ListedFinding[] = [];
    let cursor: string | undefined;
    do {
      const answer = await api.request('GET', '/findings', { query: { ...query, ...(cursor ? { cursor } : {}) } });
      checkAnswer(answer, 'findings');
      const page = answer.body as { items: ListedFinding[]; cursor?: string };
      findings.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ findings }, null, 2)}\n`);
    } else {
      // The same renderer as scan: every account value (titles, names, suppression reasons) escaped for the terminal.
      io.stdout(renderReportText({ findings }, { verbose: values.verbose === true }));
    }
    return EXIT.ok;
  },
};

function oneOf(flag: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value))
    throw new ExitError(EXIT.usage, `${flag} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
}
