// Process helpers for the bench: start children in their own process group, stop them by group,
// read memory and process trees from /proc, find free loopback ports.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';

/** Starts a child as the leader of a new process group, so `stopGroup` reaches everything it spawns. */
export function spawnGroup(command, args, { env = process.env, cwd } = {}) {
  if (interrupted) throw new Error('interrupted');
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child.pid);
  child.once('exit', () => live.delete(child.pid));
  // stdout is always drained (a server that logs every request must never block on a full pipe);
  // its first MB is kept for callers that read a port or a JSON result from it.
  child.stdoutText = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    if (child.stdoutText.length < 1_000_000) child.stdoutText += chunk;
  });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  child.stderrText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    // Keep the tail only: enough to explain a failure, bounded for chatty peers.
    child.stderrText = (child.stderrText + chunk).slice(-4000);
  });
  return child;
}

/**
 * Runs a bench client (bench/client/*.mjs) with `spec` as its one argument; resolves with the JSON of its
 * last stdout line and its stderr tail. Its process group is stopped however it ends; `who` names it in errors;
 * `extraEnv` is read at its start (NODE_EXTRA_CA_CERTS, to trust a TLS target's certificate).
 */
export async function runClient(script, spec, timeoutMs, who, extraEnv = {}) {
  const child = spawnGroup(process.execPath, [script, JSON.stringify(spec)], { env: { ...process.env, ...extraEnv } });
  let timer;
  try {
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([child.exited, timeout]);
    if (outcome === 'timeout') throw new Error(`no result within ${timeoutMs} ms`);
    const stderr = child.stderrText.trim();
    try {
      return { result: JSON.parse(child.stdoutText.trim().split('\n').pop()), stderr };
    } catch {
      throw new Error(`the ${who} exited ${outcome} without a result: ${stderr}`);
    }
  } finally {
    clearTimeout(timer);
    await stopGroup(child.pid);
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM the group, SIGKILL whatever is left after `graceMs`. Safe to call twice or on a dead group. */
export async function stopGroup(pid, graceMs = 1500) {
  if (!pid) return;
  kill(-pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(-pid)) await sleep(20);
  kill(-pid, 'SIGKILL');
}

/** Kills single processes by id (not groups): for a daemon's leftovers that live in another group. */
export async function stopPids(pids, graceMs = 1500) {
  const living = pids.filter(alive);
  for (const pid of living) kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && living.some(alive)) await sleep(20);
  for (const pid of living) kill(pid, 'SIGKILL');
}

function kill(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // Exited meanwhile.
  }
}

const live = new Set(); // process groups started by spawnGroup that have not exited
const cleanups = new Set();
let interrupted = false;

/** True once Ctrl-C or SIGTERM arrived: nothing new may start (a cleanup may still stop things). */
export const isInterrupted = () => interrupted;

/** Registers a cleanup for `installInterruptHandlers` (a daemon detaches into a session of its own). */
export function onInterrupt(cleanup) {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * On Ctrl-C or SIGTERM: stop every process group still running, run the registered cleanups, exit.
 * Children live in groups of their own, so the terminal's signal never reaches them by itself.
 */
export function installInterruptHandlers() {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, async () => {
      interrupted = true;
      console.error(`\n${sig}: stopping what the bench started`);
      await Promise.allSettled([...[...live].map((pid) => stopGroup(pid)), ...[...cleanups].map(async (fn) => fn())]);
      process.exit(130);
    });
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Peak (VmHWM) and current (VmRSS) resident memory of one process in MB, or null once it is gone. */
export function memoryMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat;
 * null once it is gone. In clock ticks of 10 ms (USER_HZ is 100 on Linux).
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th field.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Every process below `root`, from the ppid field of /proc/<pid>/stat. */
export function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields restart after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  const out = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop();
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function argv(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * Processes below `root` that run `script` as an argument of their own (a `sh -c "node script"` wrapper
 * has it inside one longer argument, so it is not counted twice), and the RSS of the whole tree.
 */
export function treeSample(root, script) {
  const pids = descendants(root);
  let treeRss = memoryMb(root)?.rss ?? 0;
  for (const pid of pids) treeRss += memoryMb(pid)?.rss ?? 0;
  const upstreams = pids.filter((pid) => argv(pid).includes(script)).length;
  return { processes: pids.length, upstreams, treeRss };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port; rejects if `child` exits first. */
export async function waitForPort(port, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `exited (${child.exitCode ?? child.signalCode}) before listening on ${port}: ${child.stderrText}`,
      );
    }
    const open = await new Promise((resolve) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(20);
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms: ${child.stderrText}`);
}
