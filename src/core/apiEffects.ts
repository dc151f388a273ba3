import type { METHOD_NAMES, STREAM_NAMES } from './apiNames.js';

/**
 * What each control method does to the daemon's state, said once: `writes` methods are
 * recorded in the audit log (core/audit/), `reads` are not. A method added to apiNames.ts
 * without its line here fails to compile, and test/unit/core/apiEffects.test.ts says so too.
 */
export type MethodEffect = 'reads' | 'writes';

export const METHOD_EFFECTS: { readonly [M in (typeof METHOD_NAMES)[number]]: MethodEffect } = {
  daemonStatus: 'reads',
  daemonStop: 'writes',
  addServer: 'writes',
  updateServer: 'writes',
  getServerSpec: 'reads',
  listServers: 'reads',
  getServer: 'reads',
  removeServer: 'writes',
  startServers: 'writes',
  stopServers: 'writes',
  restartServers: 'writes',
  readLogs: 'reads',
  // Sends a request to the server, but changes nothing of its state or the daemon's.
  pingServer: 'reads',
  serverUrl: 'reads',
  profileUrl: 'reads',
  listSessions: 'reads',
  getSession: 'reads',
  killSession: 'writes',
  createProfile: 'writes',
  listProfiles: 'reads',
  getProfile: 'reads',
  updateProfile: 'writes',
  removeProfile: 'writes',
  useProfile: 'writes',
  currentProfile: 'reads',
  // A dry run changes nothing, but the call is recorded all the same: the method can write.
  applyConfig: 'writes',
  exportConfig: 'reads',
  listAudit: 'reads',
  listEvents: 'reads',
  addAlert: 'writes',
  listAlerts: 'reads',
  removeAlert: 'writes',
  // Sends a notification: an action someone took, recorded like one.
  testAlert: 'writes',
  // Recorded by name only: a row never holds an input's values (setSecret's is the secret).
  setSecret: 'writes',
  listSecrets: 'reads',
  removeSecret: 'writes',
  rotateSecretKey: 'writes',
  sessionTraffic: 'reads',
  reloadSettings: 'writes',
  metrics: 'reads',
  createToken: 'writes',
  listTokens: 'reads',
  listNodes: 'reads',
  revokeToken: 'writes',
  // Mints a one-time login code: recorded, like any way in.
  createDashboardLogin: 'writes',
  // Changes no state, but writes the whole store into a file: recorded like any admin action.
  createBackup: 'writes',
  listClients: 'reads',
  previewClientInstall: 'reads',
  // Edits a file of the daemon's user (with a backup beside it).
  installClient: 'writes',
  previewClientUninstall: 'reads',
  uninstallClient: 'writes',
};

export const STREAM_EFFECTS: { readonly [S in (typeof STREAM_NAMES)[number]]: MethodEffect } = {
  followLogs: 'reads',
  followEvents: 'reads',
};

/** Methods whose `name` names a profile: their audit rows say `profiles/NAME`, as the gateway's targets do. */
export const PROFILE_METHODS: ReadonlySet<string> = new Set([
  'createProfile',
  'updateProfile',
  'removeProfile',
  'useProfile',
  'profileUrl',
  'getProfile',
]);

/** Methods whose `name` names something else than a server: their rows say `KIND/NAME`. */
export const NAMED_OBJECTS: Readonly<Record<string, 'secrets' | 'alerts' | 'tokens'>> = {
  setSecret: 'secrets',
  removeSecret: 'secrets',
  removeAlert: 'alerts',
  testAlert: 'alerts',
  createToken: 'tokens',
  revokeToken: 'tokens',
};

export function isMutating(method: string): boolean {
  return Object.hasOwn(METHOD_EFFECTS, method) && METHOD_EFFECTS[method as keyof typeof METHOD_EFFECTS] === 'writes';
}
