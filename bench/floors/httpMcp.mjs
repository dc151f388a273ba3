// The loopback HTTP floor: a bare `node:http` server speaking just enough MCP for the SDK's Streamable
// HTTP client (JSON responses, a session id at initialize, 405 for the optional GET stream) and
// answering `echo` with no upstream. Whatever a gateway adds on top of this is its own cost.
// Run as its own process: `node bench/floors/httpMcp.mjs` prints the port it listens on.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

function answer(message) {
  const { id, method, params } = message;
  if (method === 'initialize') {
    return {
      jsonrpc: '2.0',
      id,
      result: {
        protocolVersion: params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'bench-floor', version: '0.0.0' },
      },
    };
  }
  if (method === 'tools/call') {
    return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `Echo: ${params?.arguments?.message}` }] } };
  }
  if (method === 'ping') return { jsonrpc: '2.0', id, result: {} };
  return { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } };
}

const server = createServer((req, res) => {
  if (req.method === 'GET') return void res.writeHead(405, { allow: 'POST, DELETE' }).end();
  if (req.method === 'DELETE') return void res.writeHead(200).end();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return void res.writeHead(400).end();
    }
    if (message.id === undefined) return void res.writeHead(202).end(); // a notification
    const body = Buffer.from(JSON.stringify(answer(message)));
    const headers = { 'content-type': 'application/json', 'content-length': body.length };
    if (message.method === 'initialize') headers['mcp-session-id'] = randomUUID();
    res.writeHead(200, headers).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
