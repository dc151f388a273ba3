import type { Command } from '@commander-js/extra-typings';

export interface ConnectFlags {
  reconnectTimeout: string;
}

/** `connect` and `session connect` take the same flags, declared once here (the verb itself loads when run). */
export function withConnectFlags<Args extends unknown[]>(command: Command<Args>) {
  return command.option(
    '--reconnect-timeout <duration>',
    'how long a lost session (daemon or server restarted) may take to come back before the bridge exits',
    '30s',
  );
}
