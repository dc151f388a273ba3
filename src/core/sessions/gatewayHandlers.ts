import { McpctlError } from '../../shared/errors.js';
import type { Store } from '../../store/types.js';
import type { ControlHandlers, SessionView } from '../api.js';
import type { Supervisor } from '../servers/supervisor.js';
import type { GatewayControl } from './gatewayControl.js';
import { liveSessionView, storedSessionView } from './sessionViews.js';

/** How many closed sessions `session ls --all` shows at most, after the open ones. */
export const CLOSED_SESSIONS_LISTED = 100;
export const KILL_REASON = 'killed by mcpctl session kill';

export interface GatewayHandlerDeps {
  gateway: GatewayControl;
  store: Store;
  supervisor: Supervisor;
}

type GatewayHandlers = Pick<ControlHandlers, 'serverUrl' | 'listSessions' | 'getSession' | 'killSession'>;

const LIST_HINT = "list sessions with 'mcpctl session ls' (add --all for closed ones)";

/** The control API's view of the gateway: endpoint URLs, and sessions live (gateway) and past (store). */
export function createGatewayHandlers(deps: GatewayHandlerDeps): GatewayHandlers {
  const { gateway, store, supervisor } = deps;

  const liveViews = (server: string | undefined): SessionView[] =>
    gateway
      .liveSessions()
      .filter((session) => server === undefined || session.server === server)
      .sort((a, b) => b.startedAt - a.startedAt)
      .map(liveSessionView);

  return {
    async serverUrl({ name }) {
      supervisor.get(name);
      const base = gateway.url;
      if (base === null) {
        throw new McpctlError('DAEMON_UNREACHABLE', `the gateway is not listening, so server '${name}' has no URL`, {
          hint: "see why in 'mcpctl daemon logs', then restart the daemon ('mcpctl daemon stop', 'mcpctl daemon start')",
        });
      }
      return { name, url: `${base}/servers/${name}/mcp`, sseUrl: `${base}/servers/${name}/sse` };
    },

    async listSessions({ server, all }) {
      const live = liveViews(server);
      if (!all) return live;
      const liveIds = new Set(live.map((view) => view.id));
      const closed = await store.sessions.listRecent({
        ...(server === undefined ? {} : { server }),
        limit: CLOSED_SESSIONS_LISTED,
        closedOnly: true,
      });
      return [...live, ...closed.filter((row) => !liveIds.has(row.id)).map(storedSessionView)];
    },

    async getSession({ id }) {
      const live = gateway.liveSessions().find((session) => session.id === id);
      if (live) return liveSessionView(live);
      const stored = await store.sessions.get(id);
      if (stored) return storedSessionView(stored);
      throw new McpctlError('NOT_FOUND', `no session '${id}'`, { hint: LIST_HINT });
    },

    async killSession({ id }) {
      if (gateway.killSession(id, KILL_REASON)) return { id };
      const stored = await store.sessions.get(id);
      if (stored?.closedAt) {
        throw new McpctlError('NOT_FOUND', `session '${id}' is already closed (${stored.closeReason ?? 'closed'})`, {
          hint: "list open sessions with 'mcpctl session ls'",
        });
      }
      throw new McpctlError('NOT_FOUND', `no open session '${id}'`, { hint: LIST_HINT });
    },
  };
}
