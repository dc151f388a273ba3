import { McpctlError } from '../../shared/errors.js';
import type { StoredToken } from '../../store/types.js';
import type { ControlHandlers, TokenView } from '../api.js';
import type { TokenService } from './tokens.js';

export function toTokenView(stored: StoredToken): TokenView {
  return {
    name: stored.name,
    role: stored.role as TokenView['role'],
    scope: stored.scope,
    readOnly: stored.readOnly,
    createdAt: stored.createdAt,
    expiresAt: stored.expiresAt,
    lastUsedAt: stored.lastUsedAt,
  };
}

/** The `token` methods of ControlApi. */
export function createTokenHandlers(deps: {
  tokens: TokenService;
  now(): number;
}): Pick<ControlHandlers, 'createToken' | 'listTokens' | 'revokeToken'> {
  return {
    async createToken({ name, role, scope, expiresInMs, readOnly }) {
      if (readOnly && role !== 'client') {
        throw new McpctlError('INVALID_ARGUMENT', '--read-only applies to client tokens only', {
          hint: 'create the token with --role client, or drop --read-only',
        });
      }
      const { token, stored } = await deps.tokens.create({
        name,
        role,
        scope: scope ?? null,
        readOnly,
        expiresAt: expiresInMs === undefined ? null : deps.now() + expiresInMs,
      });
      return { ...toTokenView(stored), token };
    },
    async listTokens() {
      return deps.tokens.list().map(toTokenView);
    },
    async revokeToken({ name }) {
      if (!(await deps.tokens.revoke(name))) {
        throw new McpctlError('NOT_FOUND', `no token named '${name}'`, { hint: "list tokens with 'mcpctl token ls'" });
      }
      return { name };
    },
  };
}
