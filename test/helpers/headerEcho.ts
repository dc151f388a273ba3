import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { FIXTURES, mcpctl } from './cli.js';
import { startTestDaemon, type TestDaemon } from './daemon.js';

/** The header-echo fixture (an SDK server over Streamable HTTP), running on a free port. */
export interface HeaderEcho {
  /** Its /mcp URL. */
  url: string;
  kill(): void;
}

/** Starts the header-echo fixture on a free port; resolves once it says where it listens. */
export function startHeaderEcho(): Promise<HeaderEcho> {
  const child = spawn(process.execPath, [join(FIXTURES, 'headerEcho.mjs'), '--http', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const port = /listening (\d+)/.exec(text)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}/mcp`, kill: () => child.kill('SIGKILL') });
    });
    child.on('exit', (code) => reject(new Error(`header-echo exited ${code}: ${text}`)));
  });
}

/**
 * For a file's tests: the header-echo fixture and a test daemon serving it as server `remote`
 * (`server add remote --url <fixture> ...addFlags`), both ended after the last test. Read `daemon` inside tests.
 */
export function useHeaderEchoRemote(addFlags: string[]): { readonly daemon: TestDaemon } {
  let daemon: TestDaemon | undefined;
  let upstream: HeaderEcho | undefined;
  beforeAll(async () => {
    upstream = await startHeaderEcho();
    daemon = await startTestDaemon();
    const added = await mcpctl(daemon.home, ['server', 'add', 'remote', '--url', upstream.url, ...addFlags]);
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(async () => {
    await daemon?.stop();
    upstream?.kill();
  });
  return {
    get daemon() {
      if (!daemon) throw new Error('useHeaderEchoRemote: read daemon inside a test');
      return daemon;
    },
  };
}
