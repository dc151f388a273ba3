import type { DashboardAuth } from '../../daemon/ui/dashboardAuth.js';
import { McpctlError } from '../../shared/errors.js';
import { type CallContext, LOCAL_CALL } from '../../shared/principal.js';
import type { ControlHandlers } from '../api.js';
import type { GatewayControl } from '../sessions/gatewayControl.js';

export interface DashboardHandlerDeps {
  dashboardAuth: DashboardAuth;
  gateway: GatewayControl;
  /** The remote listener, where a token holder's link points (the loopback address is the daemon machine's only). */
  remote?: () => { url: string } | null;
}

/**
 * `mcpctl dashboard`: a one-time login link for the caller, who becomes the dashboard session's
 * principal; on the loopback gateway for the owner, on the remote listener for a token holder.
 */
export function createDashboardHandlers(deps: DashboardHandlerDeps): Pick<ControlHandlers, 'createDashboardLogin'> {
  return {
    async createDashboardLogin(_input: unknown, call: CallContext = LOCAL_CALL) {
      const remote = call.principal.kind === 'token' ? (deps.remote?.() ?? null) : null;
      const base = remote?.url ?? deps.gateway.url;
      if (base === null) {
        throw new McpctlError('DAEMON_UNREACHABLE', 'the gateway is not listening, so the dashboard has no address', {
          hint: "check 'mcpctl daemon status' and the daemon log",
        });
      }
      const { code, expiresAt } = deps.dashboardAuth.createCode(call.principal);
      return { url: `${base}/ui/#/login/${code}`, expiresAt: new Date(expiresAt).toISOString() };
    },
  };
}
