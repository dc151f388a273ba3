// The image's HEALTHCHECK: GET /v1/health on the daemon's own remote listener (MCPCTL_LISTEN),
// which answers {"ok":true} without a token (503 {"status":"draining"} while a stop drains).
// Exit 0 when it answers ok within 2 s, 1 otherwise.
// The certificate is not verified: this is the container's loopback, and the pair is often the
// self-signed one the daemon generated.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const listen = process.env.MCPCTL_LISTEN || '0.0.0.0:8443';
const split = listen.lastIndexOf(':');
const bound = listen.slice(0, split).replace(/^\[|\]$/g, '');
const port = Number(listen.slice(split + 1));
// A wildcard bind is reached on loopback; a named address as it is.
const host = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '::1' : bound;
const request = process.env.MCPCTL_LISTEN_TLS === 'off' ? httpRequest : httpsRequest;

const req = request(
  { host, port, path: '/v1/health', method: 'GET', rejectUnauthorized: false, timeout: 2000 },
  (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      body += chunk;
    });
    res.on('end', () => {
      let ok = false;
      try {
        ok = res.statusCode === 200 && JSON.parse(body).ok === true;
      } catch {
        // not JSON: not healthy
      }
      if (!ok) process.stderr.write(`mcpctl health: ${res.statusCode} ${body.slice(0, 200)}\n`);
      process.exitCode = ok ? 0 : 1;
    });
  },
);
req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
req.on('error', (error) => {
  process.stderr.write(`mcpctl health: ${listen}: ${error.message}\n`);
  process.exitCode = 1;
});
req.end();
