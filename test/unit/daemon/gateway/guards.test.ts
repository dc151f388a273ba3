import { describe, expect, it } from 'vitest';
import { allowedHosts, isAllowedHost, isAllowedOrigin } from '../../../../src/daemon/gateway/guards.js';

describe('allowedHosts: the names a listener accepts in Host and Origin', () => {
  const plain = allowedHosts('127.0.0.1', 7711);
  const balanced = allowedHosts('127.0.0.1', 7711, { forwarded: ['MCP.example.test', 'lb.example.test:8080'] });

  it('accepts only the loopback names on the bound port without gateway.allowedHosts', () => {
    for (const host of ['127.0.0.1:7711', 'localhost:7711', '[::1]:7711'])
      expect(isAllowedHost(host, plain)).toBe(true);
    for (const host of ['mcp.example.test', 'mcp.example.test:7711', '127.0.0.1:8080', '127.0.0.1', undefined]) {
      expect(isAllowedHost(host, plain), String(host)).toBe(false);
    }
  });

  it('accepts a bare allowed name on any port, host:port on that port only (and bare when it is 80 or 443)', () => {
    for (const host of ['mcp.example.test', 'MCP.EXAMPLE.TEST:443', 'mcp.example.test:8443', 'lb.example.test:8080']) {
      expect(isAllowedHost(host, balanced), host).toBe(true);
    }
    for (const host of ['lb.example.test', 'lb.example.test:8081', 'evil.example', 'mcp.example.test.evil.example']) {
      expect(isAllowedHost(host, balanced), host).toBe(false);
    }
    const tls = allowedHosts('127.0.0.1', 7711, { forwarded: ['lb.example.test:443'] });
    expect(isAllowedHost('lb.example.test', tls)).toBe(true);
  });

  it('accepts http(s) origins of allowed names besides loopback ones, and nothing else', () => {
    for (const origin of ['http://mcp.example.test', 'https://mcp.example.test:8443', 'http://lb.example.test:8080']) {
      expect(isAllowedOrigin(origin, balanced), origin).toBe(true);
    }
    for (const origin of ['http://lb.example.test', 'ftp://mcp.example.test', 'null', 'http://evil.example']) {
      expect(isAllowedOrigin(origin, balanced), origin).toBe(false);
    }
    expect(isAllowedOrigin('http://mcp.example.test', plain)).toBe(false);
    expect(isAllowedOrigin('http://localhost:3000', plain)).toBe(true);
  });

  it("adds the remote listener's own names on its port, bare on the scheme's default port", () => {
    const remote = allowedHosts('0.0.0.0', 443, { own: ['mcp.internal'], defaultPort: 443 });
    for (const host of ['mcp.internal', 'mcp.internal:443', 'localhost'])
      expect(isAllowedHost(host, remote), host).toBe(true);
    expect(isAllowedHost('mcp.internal:8443', remote)).toBe(false);
  });
});
