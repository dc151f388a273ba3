import type { EventItem } from '../../core/api.js';
import type { Palette } from './colors.js';

const BAD = new Set(['crashed', 'failed', 'unhealthy', 'alert-fired', 'update-failed']);
const GOOD = new Set(['running', 'alert-resolved', 'added']);

function colorType(type: string, palette: Palette): string {
  if (BAD.has(type)) return palette.red(type);
  if (GOOD.has(type)) return palette.green(type);
  return type;
}

/** One event as a line (`events` prints them as they come, so no table widths to wait for). */
export function formatEventLine(event: EventItem, palette: Palette): string {
  const server = event.server ?? (typeof event.data?.server === 'string' ? event.data.server : '-');
  return `${event.time}  ${colorType(event.type.padEnd(15), palette)} ${server.padEnd(16)} ${event.message}`;
}
