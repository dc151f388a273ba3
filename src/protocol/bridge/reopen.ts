import { McpctlError } from '../../shared/errors.js';
import { RetryableFailure } from './backoff.js';
import { goneError, serverRemoved } from './bridgeErrors.js';
import { type GatewayLink, type GatewayReply, type Gone, goneOf, replyError } from './gatewayLink.js';
import type { BridgeReplay } from './replay.js';
import type { StandaloneStream } from './standaloneStream.js';

export interface ReopenContext {
  link: GatewayLink;
  replay: BridgeReplay;
  stream: StandaloneStream;
  /** mcpctl's name of the server (or profile), for messages. */
  server: string;
  /** `server` names a profile. */
  profile?: boolean | undefined;
  /** Looks the endpoint up again (a restarted daemon's gateway may listen elsewhere); throws NOT_FOUND when the server is gone. */
  resolveUrl?: (() => Promise<string>) | undefined;
  warn(message: string): void;
}

/** The gateway shared upstream answers ping itself: a cheap question whether the session still exists. */
const PROBE = JSON.stringify({ jsonrpc: '2.0', id: 'mcpctl-probe', method: 'ping' });

/**
 * One attempt to get the bridge a working session: keep the current one if it is alive,
 * otherwise open a new one and replay what the client had set up on the old. Throws a
 * RetryableFailure to be tried again, or an McpctlError when trying again is pointless.
 */
export async function reopenSession(ctx: ReopenContext, deadline: number): Promise<void> {
  const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
  const { link, stream } = ctx;
  if (ctx.resolveUrl !== undefined) link.target = new URL(await resolve(ctx, ctx.resolveUrl));
  if (link.sessionId !== undefined) {
    const probe = await send(link, PROBE, signal);
    if (probe.status < 300) {
      if (stream.wanted && !stream.isOpen) await openStream(ctx, signal);
      return;
    }
    const gone = checkGone(ctx, probe);
    if (gone !== 'session') throw new RetryableFailure(replyError(probe), false);
    link.sessionId = undefined;
  }
  await openNew(ctx, signal);
}

async function openNew(ctx: ReopenContext, signal: AbortSignal): Promise<void> {
  const { link, replay, stream } = ctx;
  const initialize = replay.initialize as string;
  link.protocolVersion = undefined;
  const reply = await send(link, initialize, signal);
  checkGone(ctx, reply);
  const result = (reply.messages[0] as { result?: { protocolVersion?: unknown } } | undefined)?.result;
  if (reply.status >= 300 || reply.sessionId === undefined || result === undefined) {
    throw new RetryableFailure(replyError(reply), false);
  }
  // The client's own answer came with its first session: this one is swallowed.
  link.sessionId = reply.sessionId;
  if (typeof result.protocolVersion === 'string') link.protocolVersion = result.protocolVersion;
  stream.forget();
  for (const line of replay.followUps()) {
    const answer = await send(link, line, signal);
    const error = (answer.messages[0] as { error?: unknown } | undefined)?.error;
    if (answer.status >= 300 || error !== undefined) {
      ctx.warn(`mcpctl connect: the new session refused a replayed ${methodOf(line)}: ${replyError(answer)}`);
    }
  }
  if (stream.wanted) await openStream(ctx, signal);
}

/** Waits for the GET stream's answer, so that nothing the server sends right after is missed. */
async function openStream(ctx: ReopenContext, signal: AbortSignal): Promise<void> {
  let status = await ctx.stream.open(signal);
  if (status === 400) {
    ctx.stream.forget(); // Last-Event-ID of a stream the gateway no longer keeps
    status = await ctx.stream.open(signal);
  }
  if (status === 0) throw new RetryableFailure('the gateway closed the connection', true);
  if (status !== 200) ctx.warn(`mcpctl connect: the gateway refused the server stream (HTTP ${status})`);
}

async function resolve(ctx: ReopenContext, lookup: () => Promise<string>): Promise<string> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof McpctlError && error.code === 'NOT_FOUND') throw serverRemoved(ctx);
    throw new RetryableFailure((error as Error).message, true);
  }
}

async function send(link: GatewayLink, body: string, signal: AbortSignal): Promise<GatewayReply> {
  try {
    return await link.post(body, signal);
  } catch (error) {
    throw new RetryableFailure(`the gateway at ${link.target.host} is unreachable: ${(error as Error).message}`, true);
  }
}

/** Throws for a killed session or a removed server; returns what else a reply says. */
function checkGone(ctx: ReopenContext, reply: GatewayReply): Gone | undefined {
  const gone = goneOf(reply);
  const fatal = gone === undefined ? undefined : goneError(gone, ctx.link.sessionId, ctx);
  if (fatal !== undefined) throw fatal;
  return gone;
}

function methodOf(line: string): string {
  return (JSON.parse(line) as { method?: string }).method ?? 'message';
}
