import type { Readable, Writable } from 'node:stream';

export interface SpawnSpec {
  command: string;
  args: string[];
  /** The full environment of the child (the caller builds it: allowlist + definition env). */
  env: Record<string, string>;
  cwd?: string | undefined;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** A child running as the leader of its own process group. */
export interface GroupChild {
  readonly pid: number;
  /** Kernel start time of the child (field 22 of /proc/<pid>/stat), to tell it from a later process with the same pid. */
  readonly startTime: string | null;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles once, when the leader has exited. */
  readonly exited: Promise<ExitInfo>;
  /**
   * Ends the whole group: close stdin, SIGTERM to the group, SIGKILL to the group after
   * `graceMs`. Resolves when the leader has exited and no member of the group is left.
   */
  stop(graceMs: number): Promise<ExitInfo>;
}
