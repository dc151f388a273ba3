import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { McpctlError } from '../../shared/errors.js';

/** What execvp searches when the environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the spawn of `command` would find it, as execvp looks: a name with a slash relative to
 * the working directory, a bare name in each PATH entry (relative entries, and the empty one,
 * against the working directory too). Undefined when nothing executable is there.
 */
export function findCommand(command: string, options: { cwd: string; path: string | undefined }): string | undefined {
  if (command.includes('/')) {
    const file = resolve(options.cwd, command);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const dir of (options.path ?? DEFAULT_PATH).split(delimiter)) {
    const file = resolve(options.cwd, dir, command);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/**
 * Checks, before a new stdio definition is stored, that the daemon could start it: its working
 * directory exists and its command is found as the spawn will look for it (the server's PATH,
 * relative paths against --cwd). Exit 2 with a hint, instead of an accepted server that can never run.
 */
export function assertLaunchable(
  spec: { command: string; cwd?: string | undefined },
  env: Record<string, string>,
): void {
  const cwd = spec.cwd ?? process.cwd();
  if (spec.cwd !== undefined) {
    let isDirectory = false;
    try {
      isDirectory = statSync(spec.cwd).isDirectory();
    } catch {
      throw new McpctlError('INVALID_ARGUMENT', `the working directory '${spec.cwd}' does not exist`, {
        hint: `create it, or point --cwd at an existing directory`,
      });
    }
    if (!isDirectory) {
      throw new McpctlError('INVALID_ARGUMENT', `the working directory '${spec.cwd}' is not a directory`, {
        hint: 'point --cwd at a directory',
      });
    }
  }
  if (findCommand(spec.command, { cwd, path: env.PATH }) !== undefined) return;
  if (spec.command.includes('/')) {
    const where = isAbsolute(spec.command) ? '' : ` (relative to ${cwd})`;
    throw new McpctlError('INVALID_ARGUMENT', `'${spec.command}'${where} is not an executable file`, {
      hint: `check the path, or make it executable with chmod +x`,
    });
  }
  throw new McpctlError('INVALID_ARGUMENT', `command '${spec.command}' not found on the server's PATH`, {
    hint: `install it, give its full path, or set PATH with --env PATH=... (searched: ${env.PATH ?? DEFAULT_PATH})`,
  });
}
