import type { SessionView } from '../../core/api.js';
import { formatDuration } from '../../shared/duration.js';
import type { Palette } from './colors.js';
import { type Field, renderFields } from './fields.js';
import { renderTable } from './table.js';

const EMPTY = '-';
const COLUMNS = ['ID', 'SERVER', 'TRANSPORT', 'CLIENT', 'STARTED', 'LAST-ACTIVITY', 'IDLE', 'REQUESTS', 'ERRORS'];

/** `12s`, `1h2m`: the time from an ISO instant to `now`, never negative. */
function elapsed(iso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
}

/** `12s ago`, `1h2m ago`: how long before `now` an ISO instant was. */
export function formatAge(iso: string, now: number): string {
  return `${elapsed(iso, now)} ago`;
}

/** How long an open session's idle clock has run (the gateway ends it at its idle timeout); `-` while it is active or closed. */
export function formatIdle(view: Pick<SessionView, 'idleSince' | 'state'>, now: number): string {
  return view.state === 'open' && view.idleSince !== null ? elapsed(view.idleSince, now) : EMPTY;
}

/** `claude-ai/0.1.0`, `claude-ai`, or `-` before the client said who it is. */
export function formatClient(view: Pick<SessionView, 'clientName' | 'clientVersion'>): string {
  if (view.clientName === null) return EMPTY;
  return view.clientVersion === null ? view.clientName : `${view.clientName}/${view.clientVersion}`;
}

export function colorSessionState(state: SessionView['state'], palette: Palette): string {
  return state === 'open' ? palette.green(state) : palette.dim(state);
}

export interface SessionTableOptions {
  wide: boolean;
  headers: boolean;
  /** `--all`: closed sessions are listed too, so a STATE column tells them apart. */
  withState: boolean;
  palette: Palette;
  now: number;
}

/**
 * The `session ls` table, in the daemon's order (open first, newest first). Ids are printed
 * whole: they are what `session show` and `session kill` take. Wide adds PROTOCOL and REASON.
 */
export function renderSessionTable(views: readonly SessionView[], options: SessionTableOptions): string {
  const { palette, now } = options;
  const columns = [...COLUMNS];
  if (options.withState) columns.push('STATE');
  if (options.wide) columns.push('PROTOCOL', 'REASON');
  const rows = views.map((view) => {
    const row = [
      view.id,
      view.server,
      view.transport,
      formatClient(view),
      formatAge(view.startedAt, now),
      formatAge(view.lastActivity, now),
      formatIdle(view, now),
      String(view.requests),
      view.errors > 0 ? palette.red(String(view.errors)) : '0',
    ];
    if (options.withState) row.push(colorSessionState(view.state, palette));
    if (options.wide) row.push(view.protocolVersion ?? EMPTY, view.closeReason ?? EMPTY);
    return row;
  });
  return renderTable(columns, rows, { headers: options.headers });
}

/** `session show`: one session as a describe block. */
export function renderSessionDetail(view: SessionView, palette: Palette, now: number): string {
  const when = (iso: string): string => `${iso} (${formatAge(iso, now)})`;
  const fields: Field[] = [
    ['ID', view.id],
    ['Server', view.server],
    ['Transport', view.transport],
    ['State', colorSessionState(view.state, palette)],
    ['Client', formatClient(view)],
    ['Protocol', view.protocolVersion ?? EMPTY],
    ['Started', when(view.startedAt)],
    ['Last activity', when(view.lastActivity)],
  ];
  if (view.state === 'open') fields.push(['Idle', formatIdle(view, now)]);
  if (view.closedAt !== null) fields.push(['Closed', when(view.closedAt)], ['Close reason', view.closeReason ?? EMPTY]);
  fields.push(['Requests', String(view.requests)], ['Errors', String(view.errors)]);
  return renderFields(fields);
}
