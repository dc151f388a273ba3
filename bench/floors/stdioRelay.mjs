// The least an HTTP-to-stdio gateway written in Node can do: each POST's body goes to one stdio server
// as a line, the line that answers its id comes back as the response body; no checks, no id remapping,
// one client at a time (ids are the client's own). Its cost over the floor and direct stdio is what a
// Node hop costs by itself, the reference for the gateway's own cost.
// Run as its own process: `node bench/floors/stdioRelay.mjs <port> <server command...>` prints its port.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const [portArg, command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
const waiting = new Map();
let pending = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  pending += chunk;
  for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
    const message = JSON.parse(pending.slice(0, end));
    pending = pending.slice(end + 1);
    const res = waiting.get(message.id);
    if (res === undefined) continue; // a notification of the server's own
    waiting.delete(message.id);
    const body = JSON.stringify(message);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (message.result?.protocolVersion !== undefined) headers['mcp-session-id'] = 'relay';
    res.writeHead(200, headers).end(body);
  }
});

const server = createServer((req, res) => {
  if (req.method === 'GET') return void res.writeHead(405, { allow: 'POST, DELETE' }).end();
  if (req.method === 'DELETE') return void res.writeHead(200).end();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const message = JSON.parse(text);
    child.stdin.write(`${text}\n`);
    if (message.id === undefined) res.writeHead(202).end();
    else waiting.set(message.id, res);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  child.kill();
  process.exit(0);
});
