import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Logger } from '../../../../src/shared/logger.js';

/** Short temp folders (a Unix socket path must stay under 104 bytes), removed after each test. */
export function useShortTempDir(): () => string {
  let dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-'));
    dirs.push(dir);
    return dir;
  };
}

/** Runs `close` after each test (servers, locks), in reverse order of registration. */
export function useCleanup(): (close: () => unknown) => void {
  let steps: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of steps.reverse()) await step();
    steps = [];
  });
  return (close) => {
    steps.push(close);
  };
}

export interface LogEntry {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it was told, to assert on. */
export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      entries.push({ level, fields, message });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return { logger, entries };
}

/** A raw HTTP exchange on the socket, for requests the real client never sends. */
export function rawRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves once; for handlers to report what they saw. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Leaves a socket file nobody listens on: a process binds it and dies by SIGKILL before it can clean up. */
export function leaveStaleSocket(socketPath: string): void {
  const script =
    "const s=require('node:net').createServer();s.listen(process.argv[1],()=>process.kill(process.pid,'SIGKILL'))";
  spawnSync(process.execPath, ['-e', script, socketPath], { stdio: 'ignore' });
}
