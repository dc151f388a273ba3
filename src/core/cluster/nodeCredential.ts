import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import * as z from 'zod';
import type { CallContext } from '../../shared/principal.js';
import { NODE_NAME_PATTERN } from './nodeName.js';

/** A forwarded request's bearer credential starts with this: no client token ever does (`mcpctl_...`). */
export const NODE_CREDENTIAL_PREFIX = 'mcpctl-node_';
/** The node that forwards, and the caller it asserts (base64url JSON), both covered by the credential. */
export const FORWARDED_BY = 'mcpctl-forwarded-by';
export const FORWARDED_FOR = 'mcpctl-forwarded-for';

/** What a forwarding node may assert: a principal as the gateway knows them, and the client's address. */
const assertedSchema = z
  .object({
    principal: z
      .object({
        kind: z.enum(['owner', 'token']),
        name: z.string().min(1).max(200),
        role: z.enum(['admin', 'operator', 'viewer', 'client']),
        scope: z
          .object({ servers: z.array(z.string()), profiles: z.array(z.string()) })
          .strict()
          .optional(),
        readOnly: z.boolean().optional(),
      })
      .strict(),
    address: z.string().max(200),
  })
  .strict();

/** A bound on what is read before anything is verified: an assertion is a few hundred bytes. */
const MAX_ASSERTION = 4096;

/**
 * The credential the nodes of a cluster show each other when one forwards a gateway request to
 * the session's owner. Derived from the master key every node shares (HMAC), never stored, never
 * logged: a key of its own, so the secrets' key is never what crosses the wire. Each request's
 * credential is an HMAC over the forwarding node and the caller it asserts, so a credential lifted
 * from one request cannot assert another principal.
 */
export class NodeCredential {
  private readonly key: Buffer;

  constructor(
    masterKey: Buffer,
    private readonly node: string,
  ) {
    this.key = createHmac('sha256', masterKey).update('mcpctl node credential v1').digest();
  }

  /** The headers a forwarded request carries in place of its client's Authorization. */
  headers(call: CallContext): Record<string, string> {
    const asserted = Buffer.from(JSON.stringify({ principal: call.principal, address: call.address }), 'utf8').toString(
      'base64url',
    );
    return {
      authorization: `Bearer ${NODE_CREDENTIAL_PREFIX}${this.sign(this.node, asserted)}`,
      [FORWARDED_BY]: this.node,
      [FORWARDED_FOR]: asserted,
    };
  }

  /**
   * A request's caller as the forwarding node asserted it: undefined when the request carries no
   * node credential (a client's: the token check decides), 'refused' when it carries one that
   * does not verify (forged, another cluster's key, a tampered assertion).
   */
  verify(headers: IncomingHttpHeaders): CallContext | 'refused' | undefined {
    const authorization = headers.authorization;
    const match = authorization === undefined ? null : /^Bearer[ \t]+(\S+)$/i.exec(authorization);
    const presented = match?.[1];
    if (presented === undefined || !presented.startsWith(NODE_CREDENTIAL_PREFIX)) return undefined;
    const by = headers[FORWARDED_BY];
    const asserted = headers[FORWARDED_FOR];
    if (typeof by !== 'string' || !NODE_NAME_PATTERN.test(by)) return 'refused';
    if (typeof asserted !== 'string' || asserted.length > MAX_ASSERTION) return 'refused';
    const expected = Buffer.from(this.sign(by, asserted));
    const given = Buffer.from(presented.slice(NODE_CREDENTIAL_PREFIX.length));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'refused';
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(asserted, 'base64url').toString('utf8'));
    } catch {
      return 'refused';
    }
    const caller = assertedSchema.safeParse(parsed);
    if (!caller.success) return 'refused';
    const { scope, readOnly, ...principal } = caller.data.principal;
    return {
      principal: {
        ...principal,
        ...(scope === undefined ? {} : { scope }),
        ...(readOnly === undefined ? {} : { readOnly }),
      },
      address: caller.data.address,
      via: by,
    };
  }

  private sign(node: string, asserted: string): string {
    return createHmac('sha256', this.key).update(`${node}\n${asserted}`).digest('base64url');
  }
}
