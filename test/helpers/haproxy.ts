import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One server of the balancer's backend. */
export interface HaproxyBackend {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
}

export interface HaproxyOptions {
  backends: readonly HaproxyBackend[];
  /** HAProxy's `balance` algorithm: `roundrobin` (default, no affinity) or `hdr(Mcp-Session-Id)` (affinity). */
  balance?: string;
  /** Health-check each backend every 500 ms, out after one failure (a dead node leaves the rotation fast). */
  check?: boolean;
  /** The frontend's port; default a free one. Given when the nodes must know it first (`gateway.allowedHosts`). */
  port?: number;
  /** Lines added to the frontend and backend sections as written. */
  frontendLines?: readonly string[];
  backendLines?: readonly string[];
}

export interface Haproxy {
  /** `http://127.0.0.1:PORT`: the frontend. */
  url: string;
  port: number;
  /** The configuration it runs, for a failing test's message. */
  config: string;
  /** What it wrote on stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Debian puts it in /usr/sbin, which a user's PATH may lack. */
const HAPROXY = process.env.MCPCTL_HAPROXY ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy');

/** A developer without Debian's haproxy skips the tests that need it; CI (whose `.ci/run` installs it) must not. */
export const NO_HAPROXY = spawnSync(HAPROXY, ['-v']).status !== 0 && !process.env.CI;

/**
 * A real HAProxy (`haproxy -f FILE -db`, foreground) in `mode http` on a free loopback port in
 * front of `backends`, its configuration in a temp folder; resolves once the frontend accepts
 * connections. HAProxy forwards the client's Host as it came, as any L7 balancer does.
 */
export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  if (options.backends.length === 0) throw new Error('startHaproxy: give at least one backend');
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-haproxy-'));
  const port = options.port ?? (await freePort());
  const config = haproxyConfig(port, options);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  let output = '';
  const child = spawn(HAPROXY, ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilListening(child, port, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, config, output: () => output, stop };
}

function haproxyConfig(port: number, options: HaproxyOptions): string {
  const check = options.check ? ' check inter 500ms fall 1 rise 1' : '';
  const servers = options.backends.map(
    (backend, i) => `  server node${i} ${backend.host ?? '127.0.0.1'}:${backend.port}${check}`,
  );
  return [
    'global',
    '  log stderr format raw local0 warning',
    'defaults',
    '  mode http',
    '  log global',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-request 10s',
    'frontend mcp',
    `  bind 127.0.0.1:${port}`,
    ...(options.frontendLines ?? []).map((line) => `  ${line}`),
    '  default_backend daemons',
    'backend daemons',
    `  balance ${options.balance ?? 'roundrobin'}`,
    ...(options.backendLines ?? []).map((line) => `  ${line}`),
    ...servers,
    '',
  ].join('\n');
}

/** A port free now (the kernel's pick, released): HAProxy cannot report one it picked. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Retries a TCP connect to the frontend every 20 ms until it answers, haproxy exits, or 10 s pass. */
async function untilListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`haproxy exited (${child.exitCode ?? child.signalCode}) before listening:\n${output()}`);
    }
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on 127.0.0.1:${port} within 10 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
