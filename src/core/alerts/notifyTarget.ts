import { McpctlError } from '../../shared/errors.js';

/** Where an alert is told (no zod: the CLI checks `--notify` before it contacts the daemon). */
export type NotifyTarget =
  | { kind: 'webhook'; url: string }
  | { kind: 'command'; argv: string[] }
  | { kind: 'log' }
  | { kind: 'desktop' };

const NOTIFY_FORMS = 'webhook:https://..., command:PROGRAM ARGS..., log, or desktop';

function invalid(text: string, why: string, hint = `--notify takes ${NOTIFY_FORMS}`): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `invalid --notify '${text}': ${why}`, { hint });
}

/** A command's words: split on spaces, with '...' and "..." keeping spaces; never run through a shell. */
function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const word = match[1] ?? match[2] ?? match[3] ?? '';
    if (/["']/.test(match[3] ?? '')) return undefined;
    words.push(word);
  }
  return words;
}

export function parseNotifyTarget(text: string): NotifyTarget {
  const trimmed = text.trim();
  if (trimmed === 'log') return { kind: 'log' };
  if (trimmed === 'desktop') return { kind: 'desktop' };
  if (trimmed.startsWith('webhook:')) {
    const raw = trimmed.slice('webhook:'.length);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid(text, 'not a URL', 'write it as webhook:https://host/path');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw invalid(
        text,
        `a webhook must be http or https, not ${url.protocol.replace(/:$/, '')}`,
        'write it as webhook:https://host/path',
      );
    }
    return { kind: 'webhook', url: url.href };
  }
  if (trimmed.startsWith('command:')) {
    const argv = splitWords(trimmed.slice('command:'.length));
    if (argv === undefined) throw invalid(text, 'unbalanced quotes');
    if (argv.length === 0) throw invalid(text, 'no program given', "write it as command:/path/to/program 'an arg'");
    return { kind: 'command', argv };
  }
  throw invalid(text, 'unknown kind of notifier');
}

/** How a target is shown (`alert ls`, delivery reports). */
export function describeTarget(target: NotifyTarget): string {
  if (target.kind === 'webhook') return `webhook:${target.url}`;
  if (target.kind === 'command') return `command:${target.argv.join(' ')}`;
  return target.kind;
}
