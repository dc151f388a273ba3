import type { ControlDispatch } from '../../daemon/ipc/controlServer.js';
import type { BearerGateOptions } from '../../daemon/remote/bearer.js';
import { FailureLimiter } from '../../daemon/remote/failureLimiter.js';
import { type RemoteListenerOptions, startRemoteListener } from '../../daemon/remote/listener.js';
import { loadTlsMaterial } from '../../daemon/remote/tlsCertificate.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Paths } from '../../shared/paths.js';
import type { Principal } from '../../shared/principal.js';
import type { DaemonStatus } from '../api.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Settings } from '../config/settings.js';
import type { GatewayHost } from '../sessions/gatewayHost.js';
import type { TokenService } from './tokens.js';

/** 20 failed authentications a minute from one address, then 429 until the oldest leaves the window. */
export const FAILURE_LIMIT = { limit: 20, windowMs: 60_000 } as const;

/** The bearer check both token-guarded front doors share (the remote listener, `gateway.auth: token`). */
/** Who a refused request came from in the audit log: nobody the daemon knows. */
const ANONYMOUS: Principal = Object.freeze({ kind: 'token', name: 'anonymous', role: 'client' });

export function tokenGate(
  tokens: TokenService,
  logger: Logger,
  audit?: AuditLog,
  now: () => number = Date.now,
): BearerGateOptions {
  return {
    check: (token, connection) => tokens.authenticate(token, connection),
    limiter: new FailureLimiter({ ...FAILURE_LIMIT, now }),
    onRefused: (address, reason) => {
      logger.info({ address, reason }, 'refused a request without a valid token');
      // Never the token itself: the reason says what was wrong with it.
      audit?.record(
        { principal: ANONYMOUS, address },
        { at: now(), method: 'authenticate', server: null, tool: null, session: null, error: reason, durationMs: 0 },
      );
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `HOST:PORT` or `[V6]:PORT` as host and port. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !Number.isInteger(port) || port > 65_535) {
    throw new McpctlError('CONFIG_INVALID', `listen address '${address}' is not HOST:PORT`, {
      hint: 'e.g. --listen 0.0.0.0:8443, --listen [::]:8443 or --listen 127.0.0.1:0',
    });
  }
  return { host, port };
}

/**
 * Starts the remote listener when `listen.address` is set: TLS with the given pair or the kept
 * self-signed one, tokens required. Plain HTTP is refused off loopback: tokens would cross the
 * network readable by anyone on the path.
 */
export async function startRemoteAccess(deps: {
  settings: Settings;
  paths: Paths;
  tokens: TokenService;
  /** Refused attempts get an audit row each. */
  audit?: AuditLog;
  control: ControlDispatch;
  gateway: GatewayHost;
  /** The bearer check; the dashboard's token login shares it (one failure limit per address). */
  gate?: BearerGateOptions;
  ui?: RemoteListenerOptions['ui'];
  /** The cluster's node credential check (core/cluster/nodeCredential.ts); used only with TLS. */
  forwarded?: RemoteListenerOptions['forwarded'];
  logger: Logger;
}): Promise<{ status(): DaemonStatus['remote']; close(): Promise<void> } | undefined> {
  const { listen } = deps.settings;
  if (listen.address === undefined) return undefined;
  const { host, port } = parseListenAddress(listen.address);
  if (listen.tls === 'off' && !LOOPBACK.has(host.toLowerCase())) {
    throw new McpctlError('CONFIG_INVALID', `refusing to listen on ${listen.address} without TLS`, {
      hint: 'tokens and tool results would cross the network in clear text: drop listen.tls: off (a self-signed certificate is generated), or bind 127.0.0.1',
    });
  }
  // The name other nodes dial (cluster.advertise) is one of this listener's own: Host checks accept it.
  const advertised = deps.settings.cluster.advertise;
  const publicNames = [
    ...listen.publicNames,
    ...(advertised === undefined ? [] : [new URL(advertised).hostname.replace(/^\[|\]$/g, '').toLowerCase()]),
  ];
  const material =
    listen.tls === 'off'
      ? undefined
      : loadTlsMaterial({
          certFile: listen.tlsCert,
          keyFile: listen.tlsKey,
          stateDir: deps.paths.stateDir,
          altNames: [...publicNames, ...(host === '0.0.0.0' || host === '::' ? [] : [host])],
        });
  const listener = await startRemoteListener({
    host,
    port,
    tls: material === undefined ? null : { cert: material.cert, key: material.key },
    publicNames,
    allowedHosts: deps.settings.gateway.allowedHosts,
    gate: deps.gate ?? tokenGate(deps.tokens, deps.logger, deps.audit),
    control: deps.control,
    gateway: deps.gateway,
    ...(deps.ui === undefined ? {} : { ui: deps.ui }),
    // Plain HTTP (loopback tests) never takes a node credential: it would cross in clear text.
    ...(deps.forwarded === undefined || material === undefined ? {} : { forwarded: deps.forwarded }),
    logger: deps.logger,
  });
  return {
    status: () => ({
      url: listener.url,
      fingerprint: material?.fingerprint ?? null,
      certFile: material?.certFile ?? null,
    }),
    close: () => listener.close(),
  };
}
