import type { StoredEvent } from '../../store/types.js';
import type { ControlHandlers, EventItem } from '../api.js';
import type { EventHub } from './eventHub.js';
import { type EventFilter, followEvents } from './eventStream.js';

export interface EventHandlerDeps {
  events: EventHub;
}

type QueryInput = Parameters<ControlHandlers['listEvents']>[0];

function filterOf(input: QueryInput): EventFilter {
  return {
    limit: input.limit,
    ...(input.since === undefined ? {} : { since: input.since }),
    ...(input.server === undefined ? {} : { server: input.server }),
    ...(input.types === undefined ? {} : { types: input.types }),
  };
}

const toItem = ({ id, time, server, type, message, data }: StoredEvent): EventItem => ({
  id,
  time,
  server,
  type,
  message,
  data,
});

export function createEventHandlers(deps: EventHandlerDeps): Pick<ControlHandlers, 'listEvents' | 'followEvents'> {
  return {
    async listEvents(input) {
      return (await deps.events.query(filterOf(input))).map(toItem);
    },
    async *followEvents(input, _call, signal) {
      for await (const event of followEvents(deps.events, filterOf(input), signal)) yield toItem(event);
    },
  };
}
