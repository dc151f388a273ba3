import type { Principal, Role } from '../shared/principal.js';
import type { ControlMethod, ControlStream, HandlerInput, MethodOutput, StreamHandlerInput } from './api.js';

/**
 * The role matrix (RELIABILITY.md): ONE table saying, for every ControlApi method and stream
 * and every gateway path kind, which access it needs and which objects it touches. Dispatch
 * (localApi.ts, the gateway's authorize hook) enforces it; a method without a row does not
 * compile, and test/unit/core/apiRoles.test.ts fails for a name without a row.
 */

/** read: viewer and up; operate: operator and up; admin: admin only; gateway: MCP clients (client, operator, admin). */
export type Access = 'read' | 'operate' | 'admin' | 'gateway';

export const ACCESS_ROLES: Record<Access, readonly Role[]> = {
  read: ['viewer', 'operator', 'admin'],
  operate: ['operator', 'admin'],
  admin: ['admin'],
  gateway: ['client', 'operator', 'admin'],
};

/** An object a call names. `everything`: more than a scope can hold (`--all`, the daemon's own log). */
export type ObjectRef =
  | { kind: 'server'; name: string }
  | { kind: 'profile'; name: string }
  | { kind: 'session'; id: string }
  | { kind: 'everything'; what: string };

export interface Rule<I, O> {
  access: Access;
  /** What a scoped token must be allowed to reach for this call. */
  objects?: (input: I) => ObjectRef[];
  /** Lists: what a scoped token sees of the answer. */
  visible?: (output: O, inScope: (ref: ObjectRef) => boolean) => O;
}

type MethodRules = { [M in ControlMethod]: Rule<HandlerInput<M>, MethodOutput<M>> };
type StreamRules = { [S in ControlStream]: Rule<StreamHandlerInput<S>, never> };

const server = (name: string): ObjectRef => ({ kind: 'server', name });
const profile = (name: string): ObjectRef => ({ kind: 'profile', name });
const targets = (input: { names: string[]; all: boolean }): ObjectRef[] =>
  input.all ? [{ kind: 'everything', what: '--all' }] : input.names.map(server);
const logSource = (input: { name?: string | undefined }): ObjectRef[] =>
  input.name === undefined ? [{ kind: 'everything', what: "the daemon's own log" }] : [server(input.name)];
/** A session's view names its server, or `profiles/NAME` with `profile` set. */
/** Events of one server, or of everything (a scoped token must name a server). */
const eventSource = (input: { server?: string | undefined }): ObjectRef[] =>
  input.server === undefined ? [{ kind: 'everything', what: 'every event' }] : [server(input.server)];
const everything = (what: string) => (): ObjectRef[] => [{ kind: 'everything', what }];
const sessionRef = (view: { server: string; profile: string | null }): ObjectRef =>
  view.profile === null ? server(view.server) : profile(view.profile);

export const METHOD_RULES: MethodRules = {
  daemonStatus: { access: 'read' },
  daemonStop: { access: 'admin' },
  addServer: { access: 'admin', objects: (input) => [server(input.spec.name)] },
  updateServer: { access: 'admin', objects: (input) => [server('spec' in input ? input.spec.name : input.name)] },
  // Unmasked env and headers: only who may define servers sees them.
  getServerSpec: { access: 'admin', objects: (input) => [server(input.name)] },
  listServers: { access: 'read', visible: (views, inScope) => views.filter((view) => inScope(server(view.name))) },
  getServer: { access: 'read', objects: (input) => [server(input.name)] },
  removeServer: { access: 'admin', objects: (input) => [server(input.name)] },
  startServers: { access: 'operate', objects: targets },
  stopServers: { access: 'operate', objects: targets },
  restartServers: { access: 'operate', objects: targets },
  readLogs: { access: 'read', objects: logSource },
  pingServer: { access: 'operate', objects: (input) => [server(input.name)] },
  serverUrl: { access: 'read', objects: (input) => [server(input.name)] },
  profileUrl: { access: 'read', objects: (input) => [profile(input.name)] },
  listSessions: {
    access: 'read',
    objects: (input) => (input.server === undefined ? [] : [server(input.server)]),
    visible: (views, inScope) => views.filter((view) => inScope(sessionRef(view))),
  },
  getSession: { access: 'read', objects: (input) => [{ kind: 'session', id: input.id }] },
  killSession: { access: 'operate', objects: (input) => [{ kind: 'session', id: input.id }] },
  createProfile: { access: 'admin', objects: (input) => [profile(input.name)] },
  listProfiles: { access: 'read', visible: (views, inScope) => views.filter((view) => inScope(profile(view.name))) },
  getProfile: { access: 'read', objects: (input) => [profile(input.name)] },
  updateProfile: { access: 'admin', objects: (input) => [profile(input.name)] },
  removeProfile: { access: 'admin', objects: (input) => [profile(input.name)] },
  useProfile: { access: 'admin' },
  currentProfile: { access: 'read' },
  applyConfig: { access: 'admin', objects: () => [{ kind: 'everything', what: 'apply' }] },
  exportConfig: { access: 'admin', objects: () => [{ kind: 'everything', what: 'export' }] },
  createToken: { access: 'admin', objects: () => [{ kind: 'everything', what: 'tokens' }] },
  listTokens: { access: 'admin', objects: () => [{ kind: 'everything', what: 'tokens' }] },
  listNodes: { access: 'read' },
  revokeToken: { access: 'admin', objects: () => [{ kind: 'everything', what: 'tokens' }] },
  // With --debug-payloads it shows arguments: who may run calls may read them.
  sessionTraffic: { access: 'operate', objects: (input) => [{ kind: 'session', id: input.id }] },
  reloadSettings: { access: 'admin' },
  listEvents: { access: 'read', objects: eventSource },
  addAlert: { access: 'admin', objects: everything('alerts') },
  listAlerts: { access: 'read', objects: everything('alerts') },
  removeAlert: { access: 'admin', objects: everything('alerts') },
  testAlert: { access: 'admin', objects: everything('alerts') },
  // Names and times only: no method answers a secret's value.
  setSecret: { access: 'admin', objects: everything('secrets') },
  listSecrets: { access: 'admin', objects: everything('secrets') },
  removeSecret: { access: 'admin', objects: everything('secrets') },
  rotateSecretKey: { access: 'admin', objects: everything('secrets') },
  listAudit: { access: 'admin', objects: everything('the audit log') },
  // A login for the caller itself: the dashboard then acts with the caller's own role.
  createDashboardLogin: { access: 'read' },
  // The whole store into a file on the daemon's host: secrets encrypted, tokens as hashes, every definition.
  createBackup: { access: 'admin', objects: everything('the store') },
  // The daemon's machine's files: the handlers also require the local owner (core/clients/clientHandlers.ts).
  listClients: { access: 'read', objects: everything('AI clients') },
  previewClientInstall: { access: 'read', objects: everything('AI clients') },
  installClient: { access: 'operate', objects: everything('AI clients') },
  previewClientUninstall: { access: 'read', objects: everything('AI clients') },
  uninstallClient: { access: 'operate', objects: everything('AI clients') },
  metrics: {
    access: 'read',
    objects: (input) => (input.server === undefined ? everything('every server')() : [server(input.server)]),
  },
};

export const STREAM_RULES: StreamRules = {
  followLogs: { access: 'read', objects: logSource },
  followEvents: { access: 'read', objects: eventSource },
};

/** The gateway's path kinds: `/servers/NAME/<endpoint>` and `/profiles/NAME/<endpoint>`. */
export const GATEWAY_PATHS = [
  'servers/mcp',
  'servers/sse',
  'servers/messages',
  'profiles/mcp',
  'profiles/sse',
  'profiles/messages',
] as const;
export type GatewayPath = (typeof GATEWAY_PATHS)[number];

export const GATEWAY_RULES: Record<GatewayPath, Access> = {
  'servers/mcp': 'gateway',
  'servers/sse': 'gateway',
  'servers/messages': 'gateway',
  'profiles/mcp': 'gateway',
  'profiles/sse': 'gateway',
  'profiles/messages': 'gateway',
};

export function allows(principal: Principal, access: Access): boolean {
  return ACCESS_ROLES[access].includes(principal.role);
}

/** Whether a principal's scope reaches a server or profile (sessions are resolved to theirs first). */
export function inScopeOf(principal: Principal, ref: ObjectRef): boolean {
  const scope = principal.scope;
  if (scope === undefined) return true;
  switch (ref.kind) {
    case 'server':
      return scope.servers.includes(ref.name);
    case 'profile':
      return scope.profiles.includes(ref.name);
    case 'session':
    case 'everything':
      return false;
  }
}

/** `GET /metrics` on the gateway's listeners: what a viewer may read. */
export const METRICS_ACCESS: Access = 'read';

/** The matrix's answer for a gateway request: 403 for a role without gateway access, 404 outside the scope. */
export function gatewayVerdict(
  principal: Principal,
  path: GatewayPath,
  target: ObjectRef,
): 'ok' | 'forbidden' | 'hidden' {
  if (!allows(principal, GATEWAY_RULES[path])) return 'forbidden';
  return inScopeOf(principal, target) ? 'ok' : 'hidden';
}
