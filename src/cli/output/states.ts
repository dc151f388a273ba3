import type { Palette } from './colors.js';

/** Colour of an instance state: green when serving, yellow in transition, red when it needs the user, dim when off. */
export function colorState(state: string, palette: Palette): string {
  switch (state) {
    case 'running':
      return palette.green(state);
    case 'starting':
    case 'backoff':
    case 'stopping':
      return palette.yellow(state);
    case 'unhealthy':
    case 'failed':
      return palette.red(state);
    case 'stopped':
      return palette.dim(state);
    default:
      return state;
  }
}
