import type { Server } from 'node:http';
import { McpctlError } from '../../shared/errors.js';

/** sun_path holds 104 bytes on macOS (108 on Linux), the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 103;

export function checkSocketPathLength(socketPath: string): void {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new McpctlError(
      'CONFIG_INVALID',
      `socket path ${socketPath} is ${bytes} bytes; Unix sockets allow at most ${MAX_SOCKET_PATH_BYTES}`,
      {
        hint: 'set a shorter MCPCTL_HOME or XDG_RUNTIME_DIR',
      },
    );
  }
}

/**
 * Binds with umask 0177 so the socket is never reachable by others, not even between
 * bind and chmod (the bind happens synchronously inside listen()). Worker threads may
 * not change the umask; there the 0700 folder and the chmod after listen still hold.
 */
export function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(socketPath, error));
    server.once('error', onError);
    const previous = trySetUmask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
}

function trySetUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined;
  }
}

function listenError(socketPath: string, error: NodeJS.ErrnoException): McpctlError {
  if (error.code === 'EADDRINUSE') {
    return new McpctlError('DAEMON_RUNNING', `another process took the control socket ${socketPath}`, {
      hint: "a daemon is probably starting: run 'mcpctl daemon status'",
      cause: error,
    });
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new McpctlError('PERMISSION_DENIED', `cannot create the control socket ${socketPath}`, {
      hint: 'check the permissions of the runtime directory',
      cause: error,
    });
  }
  return new McpctlError('INTERNAL', `cannot listen on ${socketPath}: ${error.message}`, {
    hint: 'check the runtime directory, or set a different MCPCTL_HOME',
    cause: error,
  });
}
