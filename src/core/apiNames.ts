/**
 * The names of the ControlApi methods, without their zod schemas: the CLI builds
 * its remote api from these, so short commands never load zod (~60 ms of start-up).
 * api.ts checks at compile time that the lists match its method tables.
 */
export const API_VERSION = 'v1';

export const METHOD_NAMES = [
  'daemonStatus',
  'daemonStop',
  'addServer',
  'updateServer',
  'getServerSpec',
  'listServers',
  'getServer',
  'removeServer',
  'startServers',
  'stopServers',
  'restartServers',
  'readLogs',
  'pingServer',
  'serverUrl',
  'profileUrl',
  'listSessions',
  'getSession',
  'sessionTraffic',
  'killSession',
  'createProfile',
  'listProfiles',
  'getProfile',
  'updateProfile',
  'removeProfile',
  'useProfile',
  'currentProfile',
  'reloadSettings',
  'applyConfig',
  'exportConfig',
  'listEvents',
  'addAlert',
  'listAlerts',
  'removeAlert',
  'testAlert',
  'setSecret',
  'listSecrets',
  'removeSecret',
  'rotateSecretKey',
  'listAudit',
  'metrics',
  'createToken',
  'listTokens',
  'revokeToken',
  'createDashboardLogin',
  'createBackup',
  'listNodes',
] as const;

export const STREAM_NAMES = ['followLogs', 'followEvents'] as const;
