import { spawnSync } from 'node:child_process';
import { McpctlError } from '../shared/errors.js';

/**
 * Runs $VISUAL or $EDITOR (else vi) on `file` and waits until it exits. Through the shell, as git
 * does, because the variable may carry flags (`code --wait`); the file goes as "$1", never spliced in.
 * Throws when the editor fails: its edit is then not to be trusted.
 */
export function runEditor(env: NodeJS.ProcessEnv, file: string): void {
  const editor = env.VISUAL || env.EDITOR || 'vi';
  const run = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'mcpctl-editor', file], { stdio: 'inherit', env });
  if (run.error !== undefined || run.status !== 0) {
    const how = run.error?.message ?? (run.signal ? `was killed by ${run.signal}` : `exited with code ${run.status}`);
    throw new McpctlError('INTERNAL', `the editor '${editor}' ${how}; nothing was saved`, {
      hint: 'set VISUAL or EDITOR to an editor that waits until the file is closed (e.g. EDITOR="code --wait")',
    });
  }
}
