import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallContext } from '../../shared/principal.js';
import type { GatewayContext } from './context.js';
import { headerOf, SERVER_ERROR, sendRpcError, sessionNotFound } from './replies.js';
import { describeTarget } from './route.js';

/**
 * A request naming a session this gateway does not hold, in a cluster: relayed to the node that
 * owns it; `notHere` answers when there is none to relay to (no cluster, an unknown or ended
 * session, a dead owner) or when the request already came relayed (never twice). The request's
 * body is still unread: it streams to the owner as it arrives.
 */
export function sessionElsewhere(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
  call: CallContext,
  notHere: () => void,
): void {
  const { forwarding, relay } = ctx;
  if (forwarding === undefined || relay === undefined || call.via !== undefined) {
    notHere();
    return;
  }
  forwarding.owner(sessionId, call).then(
    (target) => {
      if (target === undefined) {
        notHere();
        return;
      }
      ctx.metrics?.forwarded('session');
      relay.relay(req, res, target, {
        // The owner died (or restarted) since its last heartbeat: the client re-initializes, as on any 404.
        unreachable: () => {
          forwarding.lost(sessionId);
          sessionNotFound(res);
        },
        answered: (status) => {
          if (status === 404) forwarding.lost(sessionId);
        },
      });
    },
    () => notHere(),
  );
}

/**
 * A request that opens a session (an initialize without a session id, a legacy SSE stream) of a
 * target that runs only on other nodes: relayed to one of them, which then owns the session.
 * false when it is to be served here.
 */
export function openElsewhere(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  call: CallContext,
): boolean {
  const { forwarding, relay } = ctx;
  if (forwarding === undefined || relay === undefined || call.via !== undefined) return false;
  const node = forwarding.placement(target, call);
  if (node === undefined) return false;
  ctx.metrics?.forwarded('placement');
  relay.relay(req, res, node, {
    unreachable: () =>
      sendRpcError(
        res,
        503,
        SERVER_ERROR,
        `Service Unavailable: ${describeTarget(target)} runs on node ${node.node}, which cannot be reached; try again`,
        { 'retry-after': '1' },
      ),
    answered: (_status, headers) => {
      const opened = headerOf(headers['mcp-session-id']);
      if (opened !== undefined) forwarding.learned(opened, node.node);
    },
  });
  return true;
}
