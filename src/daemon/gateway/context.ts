import type { ServerResponse } from 'node:http';
import type { SessionEndData } from '../../protocol/sessionEnd.js';
import type { Logger } from '../../shared/logger.js';
import type { Relay } from './relay.js';
import type { SessionRegistry } from './sessionRegistry.js';
import type { SseHub } from './sseWriter.js';
import type { GatewayForwarding, GatewayMetrics } from './types.js';

/** What the endpoint handlers share within one gateway. */
export interface GatewayContext {
  readonly registry: SessionRegistry;
  readonly hub: SseHub;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly maxSessions: number;
  readonly metrics: GatewayMetrics | undefined;
  /** GatewayOptions.traceHeaders: one boolean checked per POST when tracing is off. */
  readonly traceHeaders: boolean;
  /** Answers a request whose handling threw (500, logged): for continuations outside the dispatcher's try. */
  fail(res: ServerResponse, error: unknown): void;
  readonly endedSession: ((id: string) => Promise<SessionEndData | undefined>) | undefined;
  /** Both present in a cluster, both absent otherwise. */
  readonly forwarding: GatewayForwarding | undefined;
  readonly relay: Relay | undefined;
}
