// One MCP session through the SDK's own client, over stdio or Streamable HTTP: the client every
// target is measured with, so the figures differ only by what sits behind the transport.
import { setMaxListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** A fetch that sends the initialize to `openUrl` and every later request to the transport's URL. */
function openingAt(openUrl) {
  return (url, init) =>
    fetch(typeof init?.body === 'string' && init.body.includes('"method":"initialize"') ? openUrl : url, init);
}

function transportFor(target) {
  if (target.kind === 'http') {
    // `headers`: the bearer token of a target behind the remote listener. `openUrl`: the session is
    // opened on one node and used through another (the cluster's forwarded requests).
    const options = {
      ...(target.headers ? { requestInit: { headers: target.headers } } : {}),
      ...(target.openUrl ? { fetch: openingAt(target.openUrl) } : {}),
    };
    return new StreamableHTTPClientTransport(new URL(target.url), options);
  }
  // The legacy HTTP+SSE transport, for a peer that serves nothing else (mcp-hub).
  if (target.kind === 'sse') return new SSEClientTransport(new URL(target.url));
  return new StdioClientTransport({
    command: target.command,
    args: target.args,
    env: target.env ? { ...process.env, ...target.env } : undefined,
    stderr: 'pipe',
  });
}

/**
 * target: { kind: 'http' | 'sse', url, tool?, headers?, openUrl? } | { kind: 'stdio', command, args, env?, tool? }; `tool` is
 * the echo tool's name where a hub renames it. Resolves once initialize is done; `call(message)`
 * returns the text of the echo answer.
 */
export async function openSession(target) {
  const transport = transportFor(target);
  const tool = target.tool ?? 'echo';
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const client = new Client({ name: 'mcpctl-bench', version: '0.0.0' }, { capabilities: {} });
  const started = process.hrtime.bigint();
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`${error.message}${stderr ? ` (stderr: ${stderr.trim()})` : ''}`, { cause: error });
  }
  const ttfrMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Node 20's fetch adds an abort listener per request to the transport's one shared signal and drops
  // them only at GC, so a long session trips the 10-listener leak warning without leaking. Lift the limit
  // on that signal alone (a private field: if the SDK renames it, the warning returns, nothing breaks).
  const signal = transport._abortController?.signal;
  if (signal) setMaxListeners(0, signal);
  return {
    ttfrMs,
    pid: transport.pid ?? null,
    async call(message) {
      const result = await client.callTool({ name: tool, arguments: { message } });
      return result.content?.[0]?.text ?? '';
    },
    async close() {
      // DELETE the session so a gateway can drop its state, as a well-behaved client does.
      if (target.kind === 'http') await transport.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}
