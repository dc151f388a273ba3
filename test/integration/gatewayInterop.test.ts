import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EVERYTHING, INSPECTOR, mcpctl, waitFor } from '../helpers/cli.js';
import { CONFORMANCE_FIXTURE, runConformance } from '../helpers/conformance.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { runProcess } from '../helpers/run.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

let daemon: TestDaemon;

beforeAll(async () => {
  daemon = await startTestDaemon();
  const added = await mcpctl(daemon.home, ['server', 'add', 'everything', '--', process.execPath, EVERYTHING, 'stdio']);
  expect(added.code, added.stderr).toBe(0);
  const fixture = await mcpctl(daemon.home, [
    'server',
    'add',
    'conformance',
    '--',
    process.execPath,
    CONFORMANCE_FIXTURE,
  ]);
  expect(fixture.code, fixture.stderr).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
});

describe('the official conformance suite through the gateway', () => {
  it('passes the same scenarios against /servers/everything/mcp as against server-everything itself, plus dns-rebinding-protection', async () => {
    const port = await freePort();
    const direct = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], {
      env: { ...process.env, PORT: String(port) },
      stdio: 'ignore',
    });
    try {
      const directUrl = `http://localhost:${port}/mcp`;
      await waitFor('server-everything over HTTP', async () =>
        (await fetch(directUrl, { method: 'GET' }).catch(() => undefined)) ? true : undefined,
      );
      const out = mkdtempSync(join(tmpdir(), 'mcpctl-conf-'));
      onTestFinished(() => rmSync(out, { recursive: true, force: true }));
      const [viaDirect, viaGateway] = await Promise.all([
        runConformance(directUrl, { outDir: join(out, 'direct') }),
        runConformance(daemon.endpoint('everything'), { outDir: join(out, 'gateway') }),
      ]);
      console.log(`direct server-everything passes ${viaDirect.passed.length}/30: ${viaDirect.passed.join(', ')}`);
      console.log(`through the gateway passes ${viaGateway.passed.length}/30: ${viaGateway.passed.join(', ')}`);
      expect(viaDirect.passed).not.toContain('dns-rebinding-protection');
      expect([...viaGateway.passed].sort()).toEqual([...viaDirect.passed, 'dns-rebinding-protection'].sort());
    } finally {
      direct.kill('SIGKILL');
    }
  });

  it('passes all 30 active scenarios with the conformance fixture server (stdio) behind the gateway', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mcpctl-conf-'));
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const result = await runConformance(daemon.endpoint('conformance'), { outDir: out });
    console.log(
      `fixture through the gateway passes ${result.passed.length}/30; failed: ${result.failed.join(', ') || 'none'}`,
    );
    expect(result.failed).toEqual([]);
    expect(result.passed).toHaveLength(30);
  });
});

describe('the official inspector CLI through the gateway', () => {
  it('lists and calls tools of a stdio upstream', async () => {
    const url = daemon.endpoint('everything');
    const list = await runProcess(process.execPath, [
      INSPECTOR,
      '--cli',
      url,
      '--transport',
      'http',
      '--method',
      'tools/list',
    ]);
    expect(list.code, list.stderr).toBe(0);
    const tools = (JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
    expect(tools).toContain('echo');
    const call = await runProcess(process.execPath, [
      INSPECTOR,
      '--cli',
      url,
      '--transport',
      'http',
      '--method',
      'tools/call',
      '--tool-name',
      'echo',
      '--tool-arg',
      'message=through mcpctl',
    ]);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain('Echo: through mcpctl');
  });
});
