import type { EventView, ServerDetail } from '../../core/api.js';
import type { Policy } from '../../core/servers/definition.js';
import { requestDeadlines } from '../../core/servers/requestTimeout.js';
import { formatDuration } from '../../shared/duration.js';
import type { Palette } from './colors.js';
import { type Field, renderFields } from './fields.js';
import { describeLastExit, formatNodes, formatPairs, formatTarget, formatUptime } from './servers.js';
import { colorState } from './states.js';
import { renderTable } from './table.js';

const EMPTY = '-';

function pairLines(record: Record<string, string>, separator: string): string[] {
  return Object.entries(record).map(([key, value]) => `${key}${separator}${value}`);
}

/** The policy as a few readable lines; durations in the same units the flags take. */
export function policyLines(policy: Policy): string[] {
  const d = formatDuration;
  return [
    `restart ${policy.restart}, at most ${policy.maxRestarts} restarts in ${d(policy.restartWindowMs)}`,
    `backoff ${d(policy.backoffInitialMs)} to ${d(policy.backoffMaxMs)} (x${policy.backoffFactor}, jitter ${Math.round(policy.backoffJitter * 100)}%), stable after ${d(policy.stableAfterMs)}`,
    `start timeout ${d(policy.startTimeoutMs)}, stop grace ${d(policy.stopGraceMs)}`,
    `health every ${d(policy.healthIntervalMs)}, timeout ${d(policy.healthTimeoutMs)}, ${policy.healthRetries} retries`,
    `request timeout ${d(policy.requestTimeoutMs)} (progress extends it up to ${d(requestDeadlines(policy).requestTimeoutMaxMs)})`,
  ];
}

function renderEvents(events: readonly EventView[], palette: Palette): string {
  if (events.length === 0) return 'Events:  <none>\n';
  const rows = events.map((event) => [event.time, palette.bold(event.type), event.message]);
  return `Events:\n${renderTable(['TIME', 'TYPE', 'MESSAGE'], rows, { headers: true, indent: '  ' })}`;
}

/** `server show`: a describe block like `kubectl describe`, then the server's recent events. */
export function renderServerDetail(detail: ServerDetail, palette: Palette): string {
  const state =
    detail.state === detail.desired || (detail.desired === 'running' && detail.state !== 'stopped')
      ? colorState(detail.state, palette)
      : `${colorState(detail.state, palette)} (desired: ${detail.desired})`;
  const fields: Field[] = [
    ['Name', detail.name],
    ['Transport', detail.transport],
    ['State', state],
    ['PID', detail.pid === null ? EMPTY : String(detail.pid)],
    ['Uptime', formatUptime(detail.uptimeSeconds)],
    ['Restarts', String(detail.restarts)],
    ['Last exit', describeLastExit(detail)],
    ['Last error', detail.lastError ? palette.red(detail.lastError) : EMPTY],
    ['Replicas', String(detail.replicas)],
    ['Nodes', formatNodes(detail.nodes)],
  ];
  if (detail.downSince) fields.push(['Down since', detail.downSince]);
  if (detail.nextRestartAt) fields.push(['Next restart', detail.nextRestartAt]);
  if (detail.transport === 'stdio') {
    fields.push(['Command', formatTarget(detail)], ['Cwd', detail.cwd ?? EMPTY], ['Env', pairLines(detail.env, '=')]);
    if (detail.sharing) fields.push(['Sharing', formatSharing(detail.sharing)]);
    // Isolated servers take each session's client's roots: nothing of theirs to show.
    if (detail.sharing?.mode !== 'isolated') fields.push(['Roots', detail.roots]);
    if (detail.sharing?.mode === 'isolated') fields.push(['Processes', processLines(detail.processes)]);
  } else {
    fields.push(['URL', detail.url ?? EMPTY], ['Headers', pairLines(detail.headers, ': ')]);
  }
  fields.push(
    ['Autostart', detail.autostart ? 'yes' : 'no'],
    ['Labels', formatPairs(detail.labels, ', ')],
    ['Policy', policyLines(detail.policy)],
    ['Log level', detail.logLevel ?? "the daemon's logs.level"],
    ...(detail.debugPayloads ? ([['Payloads', 'logs --session shows arguments (--debug-payloads)']] as Field[]) : []),
    ['Log file', detail.logFile ?? EMPTY],
    ['Created', detail.createdAt],
    ['Profiles', detail.profiles.length === 0 ? EMPTY : detail.profiles.join(', ')],
  );
  return `${renderFields(fields)}\n${renderInstances(detail, palette)}${renderEvents(detail.events, palette)}`;
}

/** Its instances for profile members with env of their own: which profiles each serves, and with what env. */
function renderInstances(detail: ServerDetail, palette: Palette): string {
  if (detail.instances.length === 0) return '';
  const rows = detail.instances.map((instance) => [
    instance.id,
    instance.profiles.join(', '),
    colorState(instance.state, palette),
    instance.pid === null ? EMPTY : String(instance.pid),
    formatUptime(instance.uptimeSeconds),
    String(instance.restarts),
    formatPairs(instance.env, ' '),
  ]);
  const table = renderTable(['INSTANCE', 'PROFILES', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'ENV'], rows, {
    headers: true,
    indent: '  ',
  });
  return `Profile instances (their log lines are tagged @HASH):\n${table}\n`;
}

/** `4242  session a1b2…` or `4243  warm`, one line per process; `-` when none runs. */
function processLines(processes: ServerDetail['processes']): string[] | string {
  if (processes.length === 0) return EMPTY;
  return processes.map(
    ({ pid, sessionId }) => `${pid ?? EMPTY}  ${sessionId === null ? 'warm' : `session ${sessionId}`}`,
  );
}

/** `shared`, or `isolated (pool 2, at most 64 sessions)`. */
function formatSharing(sharing: { mode: string; pool: number; maxSessions: number }): string {
  return sharing.mode === 'isolated'
    ? `isolated (pool ${sharing.pool}, at most ${sharing.maxSessions} sessions)`
    : 'shared';
}
