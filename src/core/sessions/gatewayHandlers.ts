import { McpctlError } from '../../shared/errors.js';
import { DEFAULT_MAX_SESSIONS } from '../../store/retention.js';
import type { Store, StoredSession } from '../../store/types.js';
import type { ControlHandlers, SessionView } from '../api.js';
import { unknownProfile } from '../profiles/registry.js';
import type { Supervisor } from '../servers/supervisor.js';
import type { GatewayControl, LiveSession } from './gatewayControl.js';
import { liveSessionView, storedSessionView } from './sessionViews.js';

/** How many closed sessions `session ls --all` shows at most, after the open ones. */
export const CLOSED_SESSIONS_LISTED = 100;
export const KILL_REASON = 'killed by mcpctl session kill';

export interface GatewayHandlerDeps {
  gateway: GatewayControl;
  store: Store;
  supervisor: Supervisor;
}

type GatewayHandlers = Pick<
  ControlHandlers,
  'serverUrl' | 'profileUrl' | 'listSessions' | 'getSession' | 'killSession'
>;

const AMBIGUOUS_SHOWN = 10;

interface SessionMatch {
  live?: LiveSession;
  stored?: StoredSession;
}

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

  const gatewayBase = (what: string): string => {
    const base = gateway.url;
    if (base === null) {
      throw new McpctlError('DAEMON_UNREACHABLE', `the gateway is not listening, so ${what} has no URL`, {
        hint: "see why in 'mcpctl daemon logs', then restart the daemon ('mcpctl daemon stop', 'mcpctl daemon start')",
      });
    }
    return base;
  };

  return {
    async serverUrl({ name }) {
      supervisor.get(name);
      const base = gatewayBase(`server '${name}'`);
      return { name, url: `${base}/servers/${name}/mcp`, sseUrl: `${base}/servers/${name}/sse` };
    },

    async profileUrl({ name }) {
      if (!gateway.hasProfile(name)) {
        throw unknownProfile(name);
      }
      const base = gatewayBase(`profile '${name}'`);
      return { name, url: `${base}/profiles/${name}/mcp`, sseUrl: `${base}/profiles/${name}/sse` };
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
      const match = await findSession(id, 'any');
      if (match?.live) return liveSessionView(match.live);
      if (match?.stored) return storedSessionView(match.stored);
      throw new McpctlError('NOT_FOUND', `no session '${id}'`, { hint: LIST_HINT });
    },

    async killSession({ id }) {
      const match = await findSession(id, 'open');
      if (match?.live && gateway.killSession(match.live.id, KILL_REASON)) return { id: match.live.id };
      const stored = match?.stored ?? (await store.sessions.get(id));
      if (stored?.closedAt) {
        throw new McpctlError(
          'NOT_FOUND',
          `session '${stored.id}' is already closed (${stored.closeReason ?? 'closed'})`,
          {
            hint: "list open sessions with 'mcpctl session ls'",
          },
        );
      }
      throw new McpctlError('NOT_FOUND', `no open session '${id}'`, { hint: LIST_HINT });
    },
  };

  /**
   * A session by its id or, as docker takes container ids, by a prefix that only one session
   * has; a prefix several have is refused with their ids. For `open`, an open session wins over
   * closed ones (those can only be reported as closed).
   */
  async function findSession(id: string, among: 'any' | 'open'): Promise<SessionMatch | undefined> {
    const lives = gateway.liveSessions();
    const exact = lives.find((session) => session.id === id);
    if (exact) return { live: exact };
    const exactStored = await store.sessions.get(id);
    if (exactStored) return { stored: exactStored };
    const liveMatches = lives.filter((session) => session.id.startsWith(id));
    const liveIds = new Set(lives.map((session) => session.id));
    // The store keeps at most DEFAULT_MAX_SESSIONS: this reads all of it, only for a prefix (a user's command).
    const storedMatches = (await store.sessions.listRecent({ limit: DEFAULT_MAX_SESSIONS })).filter(
      (row) => row.id.startsWith(id) && !liveIds.has(row.id),
    );
    const candidates =
      among === 'open' && liveMatches.length > 0
        ? liveMatches.map((session) => session.id)
        : [...liveMatches.map((session) => session.id), ...storedMatches.map((row) => row.id)];
    if (candidates.length > 1) {
      const shown = candidates.slice(0, AMBIGUOUS_SHOWN).join(', ');
      const more = candidates.length > AMBIGUOUS_SHOWN ? ` and ${candidates.length - AMBIGUOUS_SHOWN} more` : '';
      throw new McpctlError(
        'INVALID_ARGUMENT',
        `'${id}' is the start of ${candidates.length} session ids: ${shown}${more}`,
        {
          hint: 'give more of the id, enough for one session',
        },
      );
    }
    const [live] = liveMatches;
    if (live) return { live };
    const [stored] = storedMatches;
    return stored ? { stored } : undefined;
  }
}
