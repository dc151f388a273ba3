import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { Logger } from '../../shared/logger.js';
import { verifiedCertificate } from '../ipc/controlClient.js';

/** Where a request goes when another node holds its session (or runs its server). */
export interface RelayTarget {
  /** The owner's node name. */
  node: string;
  /** Its TLS listener, `https://HOST:PORT`. */
  url: string;
  /** SHA-256 of its certificate, pinned: no CA names the nodes of a cluster. */
  fingerprint: string;
  /** The node credential and the asserted caller, in place of the client's Authorization. */
  headers: Record<string, string>;
}

/** Hop-by-hop (RFC 9110 §7.6.1) and what this hop replaces: never passed on as the client sent it. */
const DROPPED_REQUEST = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // The client's token was checked here; the owner gets the node credential and the asserted caller.
  'authorization',
  // Checked here too: the owner's listener would judge it against its own names.
  'origin',
  'mcpctl-forwarded-by',
  'mcpctl-forwarded-for',
]);
const DROPPED_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'trailer',
  'upgrade',
]);

/** Below the owner's listener's keep-alive timeout (Node's 5 s): a pooled socket is dropped before the owner drops it. */
const IDLE_SOCKET_MS = 4000;

function passed(headers: IncomingHttpHeaders, dropped: Set<string>): OutgoingHttpHeaders {
  const named = new Set(
    (typeof headers.connection === 'string' ? headers.connection.split(',') : []).map((name) =>
      name.trim().toLowerCase(),
    ),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !dropped.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

/**
 * Relays gateway requests to other nodes over their TLS listeners: one keep-alive agent per node,
 * trusting only the certificate whose fingerprint the node advertised (fetched once and checked
 * against the pin, as `connect` does for a remote context). Streams both ways: a request body, an
 * SSE answer or a GET stream pass through as they come; a client that leaves ends the relayed
 * request.
 */
export class Relay {
  private readonly agents = new Map<string, Promise<Agent>>();

  constructor(private readonly logger: Logger) {}

  /**
   * Sends `req` to `target` and its answer back on `res`. `unreachable` answers instead when the
   * owner cannot be reached before it answered (dead, restarting, another certificate);
   * `answered` is told the owner's status and headers before they are passed on.
   */
  relay(
    req: IncomingMessage,
    res: ServerResponse,
    target: RelayTarget,
    hooks: { unreachable(): void; answered?(status: number, headers: IncomingHttpHeaders): void },
  ): void {
    const fail = (error: unknown): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      this.logger.debug({ node: target.node, err: (error as Error).message }, 'could not reach the owning node');
      hooks.unreachable();
    };
    this.agentFor(target).then((agent) => {
      if (res.destroyed) return;
      const url = new URL(req.url ?? '/', target.url);
      const outgoing = request({
        agent,
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port || 443),
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: { ...passed(req.headers, DROPPED_REQUEST), ...target.headers, host: url.host },
      });
      outgoing.on('response', (answer) => {
        const status = answer.statusCode ?? 502;
        hooks.answered?.(status, answer.headers);
        res.writeHead(status, passed(answer.headers, DROPPED_RESPONSE));
        // SSE: the headers go out now, each event as it arrives (pipe writes every chunk at once).
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      });
      outgoing.on('error', fail);
      // The client left before the whole answer (a GET stream closed, a cancelled call): end the owner's side too.
      res.on('close', () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      req.pipe(outgoing);
    }, fail);
  }

  close(): void {
    for (const agent of this.agents.values()) agent.then((a) => a.destroy()).catch(() => undefined);
    this.agents.clear();
  }

  private agentFor(target: RelayTarget): Promise<Agent> {
    const key = `${target.url} ${target.fingerprint}`;
    let agent = this.agents.get(key);
    if (agent === undefined) {
      agent = verifiedCertificate({ url: target.url, token: '', fingerprint: target.fingerprint }).then(
        (ca) =>
          new Agent({
            keepAlive: true,
            maxSockets: 256,
            timeout: IDLE_SOCKET_MS,
            ca,
            minVersion: 'TLSv1.2',
            // The pin identifies the node; its certificate need not name the address it is dialled by.
            checkServerIdentity: () => undefined,
          }),
      );
      // A node that could not be reached is tried afresh next time (it may have been restarting).
      agent.catch(() => this.agents.delete(key));
      this.agents.set(key, agent);
    }
    return agent;
  }
}
