import type { McpctlError } from '../../shared/errors.js';
import type { Palette } from './colors.js';

export interface ErrorRenderOptions {
  /** `-o json`: `{"error":{"kind","code","message","hint"}}` so scripts can match on `code`. */
  json: boolean;
  palette: Palette;
  /** MCPCTL_DEBUG: add the stack and causes, for bug reports. */
  debug?: boolean;
}

export function renderError(error: McpctlError, options: ErrorRenderOptions): string {
  if (options.json) return `${JSON.stringify({ error: error.toPayload() })}\n`;
  const { palette } = options;
  let text = `${palette.bold(palette.red('Error:'))} ${error.message}\n`;
  if (error.hint) text += `${palette.yellow('Hint:')} ${error.hint}\n`;
  if (options.debug) text += palette.dim(`${describeCauses(error)}\n`);
  return text;
}

function describeCauses(error: Error): string {
  const parts: string[] = [error.stack ?? String(error)];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
    parts.push(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}
