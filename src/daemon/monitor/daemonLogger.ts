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
  const level = options.level ?? 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new McpctlError('CONFIG_INVALID', `unknown log level '${level}'`, {
      hint: 'use one of trace, debug, info, warn, error, fatal, silent',
    });
  }
  const logFile = new JsonLogFile({ path: options.file, maxBytes: options.maxBytes, keep: options.keep });
  const instance = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    logFile,
  );
  return { logger: adapt(instance), logFile, close: () => logFile.close() };
}

function adapt(instance: PinoLogger): Logger {
  return {
    debug: (fields, message) => instance.debug(fields, message),
    info: (fields, message) => instance.info(fields, message),
    warn: (fields, message) => instance.warn(fields, message),
    error: (fields, message) => instance.error(fields, message),
    child: (bindings) => adapt(instance.child(bindings)),
  };
}
