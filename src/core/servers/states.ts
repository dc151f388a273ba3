/**
 * The instance lifecycle (DESIGN.md): stopped → starting → running ⇄ unhealthy → backoff → failed.
 * `stopping` is the short window while a stop is in progress.
 */
export const INSTANCE_STATES = [
  'stopped',
  'starting',
  'running',
  'unhealthy',
  'backoff',
  'failed',
  'stopping',
] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** What the user asked for; survives daemon restarts. */
export type DesiredState = 'running' | 'stopped';
