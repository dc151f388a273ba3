import { levelRank } from '../../protocol/multiplex/logLevels.js';
import type { UpstreamTap } from '../../protocol/multiplex/upstreamTap.js';
import type { ServerSpec } from '../servers/definition.js';
import type { SessionTraffic } from './sessionTraffic.js';
import { MESSAGE_STREAM_PREFIX, type Severity, severityOf, severityRank, textSeverity } from './severity.js';

export interface ServerLogLevelDeps {
  /** The server's current definition (undefined once removed). */
  spec(name: string): ServerSpec | undefined;
  /** The daemon's `logs.level` now (pino's words: debug, info, warn, error). */
  daemonLevel(): string;
  /** Where a server's lines go: its log file (undefined when it has none open). */
  log(name: string): { appendLine(stream: string, text: string): unknown } | undefined;
  traffic: SessionTraffic;
}

/**
 * The log levels of the daemon's servers, read at each line from the definition and the daemon's
 * setting, so `server set --log-level` and `config set logs.level` apply at once, with no restart
 * and no rollover.
 */
export class ServerLogLevels {
  constructor(private readonly deps: ServerLogLevelDeps) {}

  /** A server's threshold: its own --log-level, else the daemon's logs.level. */
  levelOf(name: string): Severity {
    return this.deps.spec(name)?.logLevel ?? severityOf(this.deps.daemonLevel()) ?? 'info';
  }

  /**
   * Whether a line joins the server's log. mcpctl's own lines (starts, exits, edits) always do; a
   * captured message by its level; a stderr or stdout line by the level it states (textSeverity).
   */
  admits(name: string, stream: string, text: string): boolean {
    if (stream === 'mcpctl') return true;
    const level = stream.startsWith(MESSAGE_STREAM_PREFIX)
      ? (severityOf(stream.slice(MESSAGE_STREAM_PREFIX.length)) ?? 'info')
      : textSeverity(text);
    return severityRank(level) >= severityRank(this.levelOf(name));
  }

  /** What the gateway's upstreams of `name` tell: its log messages into its log, its sessions' requests. */
  tap(name: string): UpstreamTap {
    const { deps } = this;
    return {
      message: (params) => {
        const level = (typeof params?.level === 'string' ? severityOf(params.level) : undefined) ?? 'info';
        deps.log(name)?.appendLine(`${MESSAGE_STREAM_PREFIX}${level}`, messageText(params));
      },
      traffic: (sessionId, record) =>
        deps.traffic.record(sessionId, name, record, deps.spec(name)?.debugPayloads === true),
      wantedLevel: () => {
        const level = deps.spec(name)?.logLevel;
        return level === undefined ? undefined : levelRank(level);
      },
    };
  }
}

/** `[logger] data`: a string as is, anything else as JSON. */
function messageText(params: Record<string, unknown> | undefined): string {
  const data = params?.data;
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? null);
  return typeof params?.logger === 'string' ? `[${params.logger}] ${text}` : text;
}
