import type { TrafficEntryView } from '../../../core/api.js';
import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';

/** A long value (arguments) is cut: the table is a summary, `-o json` has it whole. */
const MAX_ARGUMENTS = 200;

function argumentsText(entry: TrafficEntryView): string {
  if (!('arguments' in entry)) return '-';
  const text = JSON.stringify(entry.arguments) ?? 'null';
  return text.length > MAX_ARGUMENTS ? `${text.slice(0, MAX_ARGUMENTS)}…` : text;
}

function durationText(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/**
 * `logs --session ID`: the session's recent requests, oldest first: TIME, SERVER, METHOD (with the
 * tool, prompt or resource it names), DURATION, OUTCOME (the error when it failed), and ARGUMENTS
 * for a server defined with --debug-payloads.
 */
export async function printSessionTraffic(inv: Invocation, id: string): Promise<void> {
  const api = await inv.api();
  const { requests } = await api.sessionTraffic({ id });
  if (inv.out.machine) return inv.out.data(requests);
  const withArguments = requests.some((entry) => 'arguments' in entry);
  const columns = ['TIME', 'SERVER', 'METHOD', 'DURATION', 'OUTCOME', ...(withArguments ? ['ARGUMENTS'] : [])];
  const rows = requests.map((entry) => [
    entry.time,
    entry.server,
    entry.target === null ? entry.method : `${entry.method} ${entry.target}`,
    durationText(entry.durationMs),
    entry.error === null ? entry.outcome : `${entry.outcome}: ${entry.error}`,
    ...(withArguments ? [argumentsText(entry)] : []),
  ]);
  inv.out.out(renderTable(columns, rows, { headers: inv.out.headers }));
}
