import { existsSync, readFileSync } from 'node:fs';
import * as z from 'zod';
import { McpctlError } from '../../shared/errors.js';
import type { Paths } from '../../shared/paths.js';

/** Daemon-wide settings: `config.yaml`, overridden by `MCPCTL_*` variables. */
const settingsSchema = z
  .object({
    logs: z
      .object({
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .default(10 * 1024 * 1024),
        keep: z.number().int().min(1).max(100).default(5),
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      })
      .strict()
      .prefault({}),
    gateway: z
      .object({
        /** Loopback by default; anything else will require tokens (not yet supported). */
        host: z.enum(['127.0.0.1', 'localhost', '::1']).default('127.0.0.1'),
        /** 0 picks a free port; `daemon status` reports the one in use. */
        port: z.number().int().min(0).max(65_535).default(7711),
        maxBodyBytes: z
          .number()
          .int()
          .min(1024)
          .default(4 * 1024 * 1024),
        idleTimeoutMs: z
          .number()
          .int()
          .min(1000)
          .default(30 * 60 * 1000),
        maxSessions: z.number().int().min(1).default(1024),
      })
      .strict()
      .prefault({}),
    servers: z
      .object({
        /** Longest stdout line a server may write; longer ones are dropped and logged. */
        maxLineBytes: z
          .number()
          .int()
          .min(1024)
          .default(4 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type Settings = z.output<typeof settingsSchema>;

/** `MCPCTL_*` variables that override a setting: [variable, section, key, parse]. */
const ENV_OVERRIDES: ReadonlyArray<[string, string, string, (value: string) => unknown]> = [
  ['MCPCTL_LOG_MAX_BYTES', 'logs', 'maxBytes', Number],
  ['MCPCTL_LOG_KEEP', 'logs', 'keep', Number],
  ['MCPCTL_LOG_LEVEL', 'logs', 'level', String],
  ['MCPCTL_GATEWAY_PORT', 'gateway', 'port', Number],
  ['MCPCTL_GATEWAY_IDLE_TIMEOUT_MS', 'gateway', 'idleTimeoutMs', Number],
  ['MCPCTL_MAX_LINE_BYTES', 'servers', 'maxLineBytes', Number],
];

/** Async only to load the YAML parser when there is a config file: most daemons start without one. */
export async function loadSettings(paths: Paths, env: NodeJS.ProcessEnv): Promise<Settings> {
  let raw: Record<string, Record<string, unknown>> = {};
  if (existsSync(paths.configFile)) {
    const { parse } = await import('yaml');
    try {
      raw = (parse(readFileSync(paths.configFile, 'utf8')) as typeof raw | null) ?? {};
    } catch (error) {
      throw new McpctlError('CONFIG_INVALID', `cannot read ${paths.configFile}: ${(error as Error).message}`, {
        hint: 'fix the YAML syntax at the line and column given',
      });
    }
  }
  for (const [name, section, key, parse] of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[section] = { ...raw[section], [key]: parse(value) };
  }
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new McpctlError(
      'CONFIG_INVALID',
      `invalid settings in ${paths.configFile} or MCPCTL_* variables: ${problems}`,
      {
        hint: 'correct the values named above',
      },
    );
  }
  return result.data;
}
