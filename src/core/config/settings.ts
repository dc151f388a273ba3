import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as z from 'zod';
import { formatDuration, parseDuration } from '../../shared/duration.js';
import { McpctlError } from '../../shared/errors.js';
import type { Paths } from '../../shared/paths.js';
import { loadYaml } from '../../shared/yaml.js';
import { postgresLocation } from '../../store/postgres/location.js';
import { alertRuleSchema } from '../alerts/rule.js';
import { NODE_NAME_PATTERN } from '../cluster/nodeName.js';
import { OUTPUT_FORMATS } from './cliSettings.js';
import { SETTING_KEYS, typedSetting } from './settingKeys.js';

const DAY_MS = 86_400_000;

/**
 * A duration written with its unit (`500ms`, `10s`, `10m`), parsed to milliseconds. A bare
 * number is refused: whether `10` meant seconds or milliseconds would be a guess.
 */
function duration(fallback: string, min: number, max = DAY_MS) {
  return z
    .string({ error: 'expected a duration with its unit, e.g. 10s or 5m' })
    .transform((text, ctx) => {
      const ms = /^\s*\d+\s*$/.test(text) ? undefined : parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected a duration with its unit, e.g. 10s or 5m, not '${text}'` });
        return z.NEVER;
      }
      return ms;
    })
    .pipe(
      z
        .number()
        .min(min, `must be at least ${formatDuration(min)}`)
        .max(max, max === DAY_MS ? 'must be at most 1d' : `must be at most ${formatDuration(max)}`),
    )
    .prefault(fallback);
}

/** The message never quotes the URL: it may hold a password. */
function isPostgresUrl(url: string): boolean {
  try {
    postgresLocation(url);
    return true;
  } catch {
    return false;
  }
}

/** A DNS name or an IP literal (IPv6 in brackets), and an optional port: what a Host header carries. */
const HOST_ENTRY =
  /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::(\d{1,5}))?$/;

/** `host[:port]` entries, a YAML list or one comma-separated string (a variable); each bad one named. */
function hostList() {
  return z
    .union([z.array(z.string()), z.string().transform((text) => text.split(','))], {
      error: 'expected a list of host[:port], or one comma-separated string',
    })
    .default([])
    .transform((entries, ctx) => {
      const hosts = entries.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
      for (const host of hosts) {
        const match = HOST_ENTRY.exec(host);
        const port = match?.[2] === undefined ? undefined : Number(match[2]);
        if (match === null || (port !== undefined && (port < 1 || port > 65_535))) {
          ctx.addIssue({
            code: 'custom',
            message: `'${host}' is not host[:port] (e.g. mcp.example.com or mcp.example.com:8443)`,
          });
        }
      }
      return hosts;
    });
}

/** Daemon-wide settings: `config.yaml`, overridden by `MCPCTL_*` variables. */
const settingsSchema = z
  .object({
    /** This daemon's name in a cluster; `--node` (MCPCTL_NODE) wins, the host name is the default. */
    node: z
      .string()
      .regex(
        NODE_NAME_PATTERN,
        'letters, digits, dot, dash and underscore, starting with a letter or digit, at most 63',
      )
      .optional(),
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
        /** Milliseconds once parsed: a session with no open stream and no request for this long is ended. */
        idleTimeout: duration('10m', 1000),
        /** Milliseconds once parsed: how long a stopping daemon lets requests in flight finish. */
        drainTimeout: duration('10s', 0),
        /** A stream whose client leaves more than this unread is cut off, and its session ended. */
        maxUnreadBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .default(8 * 1024 * 1024),
        maxSessions: z.number().int().min(1).default(1024),
        /** `token`: the loopback gateway, too, wants a client token (hosts several users share). */
        auth: z.enum(['none', 'token']).default('none'),
        /** Host values a load balancer in front forwards (`host` any port, `host:port` that one): Host/Origin checks accept them. */
        allowedHosts: hostList(),
      })
      .strict()
      .prefault({}),
    /** The audit log (core/audit/): rows older than maxAge or beyond the newest maxRows are dropped. */
    audit: z
      .object({
        maxAge: duration('30d', 60_000, 3650 * DAY_MS),
        maxRows: z.number().int().min(1).default(100_000),
      })
      .strict()
      .prefault({}),
    /** The remote listener (`daemon run --listen`): control API and gateway over TLS, tokens required. */
    listen: z
      .object({
        /** HOST:PORT ([::]:PORT for IPv6); absent: no remote listener. */
        address: z
          .string()
          .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT, e.g. 0.0.0.0:8443')
          .optional(),
        /** PEM files; without them a self-signed pair is generated once in the state dir. */
        tlsCert: z.string().min(1).optional(),
        tlsKey: z.string().min(1).optional(),
        /** `off` only on loopback (tests, a TLS-terminating proxy on the same host). */
        tls: z.enum(['on', 'off']).default('on'),
        /** Host names clients use to reach the listener (Host and Origin checks accept them). */
        publicNames: z
          .union([z.array(z.string().min(1)), z.string().transform((text) => text.split(',').map((n) => n.trim()))])
          .default([])
          .transform((names) => names.filter((name) => name !== '').map((name) => name.toLowerCase())),
      })
      .strict()
      .refine((listen) => (listen.tlsCert === undefined) === (listen.tlsKey === undefined), {
        message: 'give both tlsCert and tlsKey, or neither (a self-signed pair is then generated)',
      })
      .prefault({}),
    /** A cluster of daemons on one shared store (PostgreSQL): how nodes reach each other, how servers are placed. */
    cluster: z
      .object({
        /** Milliseconds once parsed: a server lease's TTL; a dead node's servers move within it (env MCPCTL_LEASE_TTL_MS in ms). */
        leaseTtl: duration('15s', 300, 600_000),
        /**
         * The URL other nodes dial for this node's TLS listener (`--advertise`), when its bind address
         * is not it (0.0.0.0, a NAT, a Kubernetes pod IP). Default: the listener's own URL.
         */
        advertise: z
          .string()
          .regex(/^https:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected https://HOST:PORT')
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Read by the CLI, not the daemon: the output format when no -o is given. */
    cli: z
      .object({ output: z.enum(OUTPUT_FORMATS).default('table') })
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
        /** How many stdio servers start (spawn until initialized) at once: daemon start, `start --all`, profiles. */
        startConcurrency: z.number().int().min(1).max(64).default(4),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /** Milliseconds once parsed: how often rules are checked (restarts and state changes are checked at once). */
        interval: duration('10s', 10),
        /** Milliseconds once parsed: a webhook request or a command notifier taking longer is abandoned. */
        timeout: duration('10s', 10),
        /** Webhook deliveries tried at most this many times, the delay doubling from `retryDelay`. */
        attempts: z.number().int().min(1).max(20).default(5),
        retryDelay: duration('1s', 1),
        /** Rules of the config file; on a name also added with `alert add`, this one wins. */
        rules: z.array(alertRuleSchema).default([]),
      })
      .strict()
      .prefault({}),
    /** Where the daemon keeps its state: absent, the SQLite file in the state folder. */
    store: z
      .object({
        /** `postgres://USER:PASSWORD@HOST:PORT/DB`: every table in that PostgreSQL database instead. */
        url: z.string().trim().refine(isPostgresUrl, 'expected postgres://USER:PASSWORD@HOST:PORT/DATABASE').optional(),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /** false: nothing is counted, `/metrics` answers 404, `metrics` and `top` show state and usage only. */
        enabled: z.boolean({ error: 'expected true or false' }).default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type Settings = z.output<typeof settingsSchema>;

/** The settings without a file or variables: the schema's defaults. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/** Problems of raw settings (the file's, after an edit), each `key: rule`; [] when valid. */
export function settingsProblems(raw: unknown): string[] {
  const result = settingsSchema.safeParse(raw);
  if (result.success) return [];
  return result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
}

/** Async only to load the YAML parser when there is a config file: most daemons start without one. */
export async function loadSettings(paths: Paths, env: NodeJS.ProcessEnv): Promise<Settings> {
  const raw = existsSync(paths.configFile) ? await readConfigFile(paths.configFile) : {};
  // The CLI's own settings are the CLI's to judge: a bad MCPCTL_OUTPUT must not stop a daemon.
  for (const key of SETTING_KEYS) {
    const value = key.env === undefined || key.readBy !== 'daemon' ? undefined : env[key.env];
    if (value === undefined || value === '') continue;
    raw[key.section] = { ...raw[key.section], [key.name]: typedSetting(key, value) };
  }
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
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

type RawSettings = Record<string, Record<string, unknown>>;

/** config.yaml as plain data; an empty or comment-only file is no settings at all. */
async function readConfigFile(file: string): Promise<RawSettings> {
  const { parse, YAMLParseError } = await loadYaml();
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    // yaml's message ends with " at line L, column C:" and a code excerpt: say it as file:line:col.
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const at = error.linePos?.[0];
    throw new McpctlError('CONFIG_INVALID', `${file}${at ? `:${at.line}:${at.col}` : ''}: ${reason}`, {
      hint: `fix the YAML at that line and column (the README's "Where things live" shows a valid ${basename(file)})`,
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new McpctlError('CONFIG_INVALID', `${file}: expected a mapping of sections (logs, gateway, servers, cli)`, {
      hint: `start the file with a section, e.g. 'logs:' (the README's "Where things live" shows one)`,
    });
  }
  return parsed as RawSettings;
}
