import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { McpctlError } from '../../shared/errors.js';
import { terminateGroup } from './groupStop.js';
import {
  hasProcfs,
  isGroupAlive,
  isProcessAlive,
  killProcessGroup,
  readProcessGroup,
  readProcessStartTime,
} from './procfs.js';
import type { ExitInfo, GroupChild, SpawnSpec } from './types.js';
import { pollUntil, settlesWithin } from './wait.js';

/** A well-behaved server exits when its stdin closes; give it this long before signals. */
const STDIN_CLOSE_WAIT_MS = 1000;

/**
 * Starts `spec` as the leader of its own process group (detached: setsid, so pgid = pid),
 * which lets stop() reach every process the server forks. Resolves once the OS has
 * started it; rejects with SERVER_FAILED when it cannot (missing command, bad cwd).
 */
export function spawnInGroup(spec: SpawnSpec): Promise<GroupChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, {
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: spec.env,
      cwd: spec.cwd,
    });
    // A server that closes its stdin early makes our writes fail with EPIPE; that is
    // reported through `exited`, never as an uncaught error that would end the daemon.
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on('error', () => {});
    const onStartError = (error: NodeJS.ErrnoException): void => reject(startError(spec, error));
    child.once('error', onStartError);
    child.once('spawn', () => {
      child.off('error', onStartError);
      // Later errors (a failed kill) must not crash the daemon either; stop() copes on its own.
      child.on('error', () => {});
      resolve(wrap(child));
    });
  });
}

function wrap(child: ChildProcessWithoutNullStreams): GroupChild {
  const pid = child.pid as number;
  let leaderExited = false;
  // Once the leader is gone and its group empty, the pid (and so the group id) may be
  // reused by an unrelated program: from then on this group must never be signalled.
  let groupReleased = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      leaderExited = true;
      groupReleased = !isGroupAlive(pid);
      resolve({ code, signal });
    });
  });
  /** Stragglers of our group, not a later group that took the same id (its leader would run under our pid). */
  const hasStragglers = (): boolean => !groupReleased && !isProcessAlive(pid) && isGroupAlive(pid);
  let stopping: Promise<ExitInfo> | undefined;

  const stopGroup = async (graceMs: number): Promise<ExitInfo> => {
    child.stdin.end();
    if (!(await settlesWithin(exited, Math.min(STDIN_CLOSE_WAIT_MS, graceMs)))) {
      killProcessGroup(pid, 'SIGTERM');
      const ended = await pollUntil(() => leaderExited && !isGroupAlive(pid), graceMs);
      if (!ended) killProcessGroup(pid, 'SIGKILL');
    }
    const info = await exited;
    // The leader is gone; whatever it forked may still run in its group: no orphan survives.
    if (hasStragglers()) await terminateGroup(pid, graceMs);
    return info;
  };

  return {
    pid,
    startTime: readProcessStartTime(pid),
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    stop(graceMs: number): Promise<ExitInfo> {
      stopping ??= stopGroup(graceMs);
      return stopping;
    },
  };
}

function startError(spec: SpawnSpec, error: NodeJS.ErrnoException): McpctlError {
  const command = spec.command;
  if (spec.cwd !== undefined && !existsSync(spec.cwd)) {
    return new McpctlError(
      'SERVER_FAILED',
      `cannot start '${command}': working directory '${spec.cwd}' does not exist`,
      {
        hint: `create '${spec.cwd}' or point --cwd at an existing directory`,
        cause: error,
      },
    );
  }
  if (error.code === 'ENOENT') {
    return new McpctlError('SERVER_FAILED', `cannot start '${command}': command not found`, {
      hint: `check that '${command}' is installed and on the PATH, or give its full path`,
      cause: error,
    });
  }
  if (error.code === 'EACCES') {
    return new McpctlError('SERVER_FAILED', `cannot start '${command}': permission denied`, {
      hint: `check that '${command}' is an executable file (chmod +x) and that --cwd is a directory you can enter`,
      cause: error,
    });
  }
  return new McpctlError('SERVER_FAILED', `cannot start '${command}': ${error.message}`, {
    hint: `check that '${command}' exists and runs by hand, and that --cwd exists`,
    cause: error,
  });
}

/**
 * Ends a server left running by a daemon that died without stopping it (kill -9).
 * Acts only when `pid` still runs with the recorded `startTime` and leads its own group,
 * so a pid since reused by an unrelated program is never signalled. Resolves true when
 * the group is gone, false when the process was not ours or not alive.
 */
export async function killOrphan(pid: number, startTime: string | null, graceMs: number): Promise<boolean> {
  if (hasProcfs()) {
    // On Linux a null start time means we never knew it: we cannot prove the pid is ours.
    if (startTime === null) return false;
    if (!isProcessAlive(pid, startTime) || readProcessGroup(pid) !== pid) return false;
  } else if (!isProcessAlive(pid)) {
    return false;
  }
  return terminateGroup(pid, graceMs);
}
