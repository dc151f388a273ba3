import type { EventItem, EventQueryInput } from '../../../core/api.js';
import { EVENT_TYPES, type EventType } from '../../../core/events/eventTypes.js';
import { McpctlError } from '../../../shared/errors.js';
import { parseSinceFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { formatEventLine } from '../../output/events.js';

export interface EventFlags {
  follow?: true;
  since?: string;
  server?: string;
  type?: string[];
}

/** Without --since, the newest 100; with it, all since then (up to the 10,000 kept). */
const DEFAULT_LIMIT = 100;
const SINCE_LIMIT = 10_000;

/** `--type crashed,backoff --type running`: each a known type. */
function parseTypes(values: readonly string[]): EventType[] {
  const types = values.flatMap((value) => value.split(',')).map((type) => type.trim());
  for (const type of types) {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      throw new McpctlError('INVALID_ARGUMENT', `invalid --type '${type}': no such event type`, {
        hint: `event types: ${EVENT_TYPES.join(', ')}`,
      });
    }
  }
  return types as EventType[];
}

export function eventQuery(flags: EventFlags, now: number): EventQueryInput {
  const since = flags.since === undefined ? undefined : parseSinceFlag(flags.since, now);
  const types = flags.type === undefined ? undefined : parseTypes(flags.type);
  return {
    limit: since === undefined ? DEFAULT_LIMIT : SINCE_LIMIT,
    ...(since === undefined ? {} : { since }),
    ...(flags.server === undefined ? {} : { server: flags.server }),
    ...(types === undefined ? {} : { types }),
  };
}

/** Prints the events asked for; with -f the same stream goes on with each new one until Ctrl-C. */
export async function printEvents(inv: Invocation, flags: EventFlags): Promise<void> {
  const query = eventQuery(flags, Date.now());
  const api = await inv.api();
  const write = async (event: EventItem): Promise<void> => {
    if (inv.out.machine) await inv.out.item(event);
    else inv.out.out(formatEventLine(event, inv.out.color));
  };
  if (flags.follow !== true) {
    for (const event of await api.listEvents(query)) await write(event);
    return;
  }
  const { signal } = inv.ctx;
  try {
    for await (const event of api.followEvents(query, signal)) await write(event);
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
