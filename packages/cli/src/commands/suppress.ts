/** `podnet-guard suppress`: mutes a finding of the deployed service until a date, or lifts the suppression. */
import { escapePlainText } from '@podnet-guard/core';
import { apiUrlOf, checkAnswer, createApiClient } from '../api-client.ts';
import type { Command } from '../cli.ts';
import { EXIT, type ExitCode, ExitError } from '../exit-codes.ts';
import { parseFormat, parseOptionsAndOperands } from '../options.ts';

const USAGE = `usage: podnet-guard suppress <finding-id> --reason <text> --until <ISO date> [options]
       podnet-guard suppress <finding-id> --remove [options]

options:
  --api <url>            the deployed API (or PODNET_GUARD_API_URL): https, requests signed with your AWS
                         credentials; http only on a loopback host (npm start), unsigned without credentials
  --reason <text>        why the finding is acceptable for now (recorded with your principal ARN)
  --until <date>         ISO date or time it ends (at most 90 days ahead), e.g. 2026-12-31 or 2026-12-31T18:00:00Z
  --remove               lift the suppression now
  --format json|text     output format (default text)`;

export const suppressCommand: Command = {
  summary: 'Suppress a finding until a date, or lift a suppression.',
  usage: USAGE,
  async run(argv, io): Promise<ExitCode> {
    const { values, positionals } = parseOptionsAndOperands(argv, {
      api: { type: 'string' },
      reason: { type: 'string' },
      until: { type: 'string' },
      remove: { type: 'boolean' },
      format: { type: 'string' },
    });
    const format = parseFormat(values.format);
    const [id, ...extra] = positionals;
    if (!id || extra.length > 0) throw new ExitError(EXIT.usage, 'give exactly one finding id');
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new ExitError(EXIT.usage, `not a finding id: ${JSON.stringify(id)}`);
    const path = `/findings/${id}/suppress`;
    let body: { reason: string; until: string; via: 'cli' } | undefined;
    if (values.remove) {
      if (values.reason !== undefined || values.until !== undefined)
        throw new ExitError(EXIT.usage, '--remove takes no --reason or --until');
    } else {
      if (!values.reason || !values.until) throw new ExitError(EXIT.usage, 'give --reason and --until (or --remove)');
      // `via: cli` is recorded with the suppression beside the caller's ARN (the API's default is `api`).
      body = { reason: values.reason, until: untilOf(values.until), via: 'cli' };
    }
    const api = createApiClient({ baseUrl: apiUrlOf(values.api, io.env), env: io.env });
    const answer = await api.request(values.remove ? 'DELETE' : 'POST', path, body ? { body } : {});
    checkAnswer(answer, 'suppress');
    const finding = answer.body as { id: string; title: string; suppression?: { until: string; by: string } };
    if (format === 'json') io.stdout(`${JSON.stringify(finding, null, 2)}\n`);
    else if (finding.suppression)
      io.stdout(
        `${escapePlainText(finding.id)} suppressed until ${escapePlainText(finding.suppression.until)} by ${escapePlainText(finding.suppression.by)}\n`,
      );
    else io.stdout(`${escapePlainText(finding.id)} no longer suppressed\n`);
    return EXIT.ok;
  },
};

/** A bare date means the end of that day (UTC); anything else goes to the API as given. */
function untilOf(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value;
}
