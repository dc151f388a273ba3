import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; null when the command could not run or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not run at all (ENOENT: not installed). */
  startError?: string;
}

const COMMAND_TIMEOUT_MS = 30_000;

/** Runs a service-manager command (systemctl, launchctl) and reports how it went; never rejects. */
export function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    if (command === undefined) {
      resolve({ code: null, stdout: '', stderr: '', startError: 'EINVAL' });
      return;
    }
    execFile(command, args, { env, timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      // A string code (ENOENT, EACCES) means it never ran; a number is its exit code.
      if (typeof error.code === 'string') {
        resolve({ code: null, stdout, stderr, startError: error.code });
        return;
      }
      resolve({ code: typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}
