import { type Logger as PinoLogger, pino } from 'pino';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { JsonLogFile } from './jsonLogFile.js';

export interface DaemonLoggerOptions {
  file: string;
  maxBytes: number;
  keep: number;
  /** pino level: trace, debug, info (default), warn, error, fatal, silent. */
  level?: string | undefined;
}

export interface DaemonLogger {
  logger: Logger;
  /** For `daemon logs -f`; read past lines with readLogLines(file, { format: 'json' }). */
  logFile: JsonLogFile;
  /** Changes the level of this logger and every child made from it, at once (`config set logs.level`). */
  setLevel(level: string): void;
  close(): void;
}

/** Keys whose values never reach the log, at the top and two levels down. */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'Proxy-Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'x-api-key',
  'X-Api-Key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
];

function redactPaths(): string[] {
  return SECRET_KEYS.flatMap((key) => {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    const under = (prefix: string): string => (plain ? `${prefix}.${key}` : `${prefix}["${key}"]`);
    return [plain ? key : `["${key}"]`, under('*'), under('*.*')];
  });
}

/**
 * The daemon's logger: pino JSON lines with ISO times, secrets redacted, written
 * synchronously to a rotating file (a crash loses nothing already logged).
 */
export function createDaemonLogger(options: DaemonLoggerOptions): DaemonLogger {
  // pino's children keep the level they were made with: the threshold is ours, shared by all of them.
  const threshold = { value: levelValue(options.level ?? 'info') };
  const logFile = new JsonLogFile({ path: options.file, maxBytes: options.maxBytes, keep: options.keep });
  const instance = pino(
    {
      level: 'trace',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    logFile,
  );
  return {
    logger: adapt(instance, threshold),
    logFile,
    setLevel: (level) => {
      threshold.value = levelValue(level);
    },
    close: () => logFile.close(),
  };
}

function levelValue(level: string): number {
  if (level === 'silent') return Number.POSITIVE_INFINITY;
  const value = pino.levels.values[level];
  if (value === undefined) {
    throw new McpctlError('CONFIG_INVALID', `unknown log level '${level}'`, {
      hint: 'use one of trace, debug, info, warn, error, fatal, silent',
    });
  }
  return value;
}

const DEBUG = pino.levels.values.debug ?? 20;
const INFO = pino.levels.values.info ?? 30;
const WARN = pino.levels.values.warn ?? 40;
const ERROR = pino.levels.values.error ?? 50;

function adapt(instance: PinoLogger, threshold: { value: number }): Logger {
  return {
    debug: (fields, message) => {
      if (DEBUG >= threshold.value) instance.debug(fields, message);
    },
    info: (fields, message) => {
      if (INFO >= threshold.value) instance.info(fields, message);
    },
    warn: (fields, message) => {
      if (WARN >= threshold.value) instance.warn(fields, message);
    },
    error: (fields, message) => {
      if (ERROR >= threshold.value) instance.error(fields, message);
    },
    child: (bindings) => adapt(instance.child(bindings), threshold),
  };
}
