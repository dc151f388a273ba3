import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { McpctlError } from '../../shared/errors.js';
import { unlinkQuietly } from '../service/files.js';

/**
 * The socket's folder: 0700 and ours, so no other user can reach, swap or remove the
 * socket. A folder we created with looser bits (an old umask) is tightened; one owned by
 * someone else is refused.
 */
export function prepareRuntimeDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) {
    throw new McpctlError('CONFIG_INVALID', `runtime path ${dir} is not a directory`, {
      hint: 'remove it, or point MCPCTL_HOME / XDG_RUNTIME_DIR elsewhere',
    });
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new McpctlError('PERMISSION_DENIED', `runtime directory ${dir} belongs to uid ${stat.uid}, not to you`, {
      hint: 'point MCPCTL_HOME or XDG_RUNTIME_DIR to a directory you own',
    });
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Whether something accepts connections on `socketPath`; false only when nothing listens there. */
export function probeSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(false);
      else reject(error);
    });
  });
}

/**
 * Makes `socketPath` free to listen on. A leftover file from a crashed daemon refuses
 * connections and is removed; a live one means another daemon serves this home.
 */
export async function clearStaleSocket(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) {
    throw new McpctlError('CONFIG_INVALID', `${socketPath} exists and is not a socket`, {
      hint: 'remove that file, or point MCPCTL_HOME / XDG_RUNTIME_DIR elsewhere',
    });
  }
  let answering: boolean;
  try {
    answering = await probeSocket(socketPath);
  } catch (cause) {
    throw new McpctlError('PERMISSION_DENIED', `cannot check the existing socket ${socketPath}`, {
      hint: 'make sure the runtime directory and socket belong to you',
      cause,
    });
  }
  if (answering) {
    throw new McpctlError('DAEMON_RUNNING', `a daemon already listens on ${socketPath}`, {
      hint: "use it, or stop it first with 'mcpctl daemon stop'",
    });
  }
  unlinkQuietly(socketPath);
}
