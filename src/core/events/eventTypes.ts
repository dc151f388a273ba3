/**
 * Every event type the daemon records, without zod: `mcpctl events --type` checks its values
 * against this list before any daemon is contacted.
 */
export const EVENT_TYPES = [
  // A server's instance (core/servers/instance.ts).
  'starting',
  'running',
  'unhealthy',
  'crashed',
  'exited',
  'backoff',
  'failed',
  'stopped',
  'orphan-killed',
  // Restarted for holding more memory than its --max-memory.
  'memory-exceeded',
  // Its definition (core/servers/supervisor.ts).
  'added',
  'updated',
  'rolled-over',
  'update-failed',
  'removed',
  // Instances for profile members with env of their own (core/profiles/instanceIdentity.ts).
  'instance-added',
  'instance-removed',
  // Gateway sessions: closed by the client or the daemon, expired by the idle timeout.
  'session-opened',
  'session-closed',
  'session-expired',
  'profile-added',
  'profile-updated',
  'profile-removed',
  'alert-fired',
  'alert-resolved',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What `server show` lists: the server's own changes, not its sessions' comings and goings. */
export const SERVER_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter(
  (type) => !type.startsWith('session-') && !type.startsWith('alert-') && !type.startsWith('profile-'),
);
