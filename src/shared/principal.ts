/**
 * Who makes a call: the local owner (whoever can open the 0600 control socket) or the holder
 * of a token. Shared by the control API, the gateway and the audit log so that each names
 * the caller the same way.
 */
export type Role = 'admin' | 'operator' | 'viewer' | 'client';

/** What a token may reach: every object when absent, else only the listed servers and profiles. */
export interface PrincipalScope {
  servers: readonly string[];
  profiles: readonly string[];
}

export interface Principal {
  kind: 'owner' | 'token';
  /** The token's name, or `owner` for the local owner. */
  name: string;
  role: Role;
  scope?: PrincipalScope;
  /** Only tools annotated `readOnlyHint: true` are listed and callable. */
  readOnly?: boolean;
}

/** The context of one control or gateway call. */
export interface CallContext {
  principal: Principal;
  /** The peer's address (`unix` on the control socket). */
  address: string;
  /**
   * The node that forwarded this gateway request on the caller's behalf (the caller is what that
   * node asserted); absent for a request that came straight from its client. Never forwarded again.
   */
  via?: string;
}

export const LOCAL_OWNER: Principal = Object.freeze({ kind: 'owner', name: 'owner', role: 'admin' });

export const LOCAL_CALL: CallContext = Object.freeze({ principal: LOCAL_OWNER, address: 'unix' });
