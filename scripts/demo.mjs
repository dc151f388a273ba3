// `npm run demo`: the main job on the embedded default, end to end. Starts a daemon (SQLite
// store, local socket) in a demo home, adds the official server-everything, shows it running,
// answering an MCP ping and a tools/call through the gateway (via `mcpctl connect`, then
// `mcpctl tools` and `mcpctl call` as an inspector would), edits its health interval in place
// (`server set`), makes a profile of it and shows it, shows what `install claude-code --dry-run`
// would write into that client's config (under a HOME of its own), shows its log, exports the
// definitions as an `apply -f` file (and dry-runs it back: no changes), shows the daemon's log,
// backs the store up, then stops the daemon, letting requests in flight finish (pass --keep to leave
// it up), and restores the backup.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist/mcpctl.js');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const home = process.env.MCPCTL_HOME ?? join(root, '.mcpctl-demo');
const keep = process.argv.includes('--keep');

if (!existsSync(cli)) {
  console.error('dist/mcpctl.js is missing: run `npm run build` first');
  process.exit(1);
}

function mcpctlWith(env, ...args) {
  console.log(`\n$ mcpctl ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    stdio: 'inherit',
    env: { ...process.env, MCPCTL_HOME: home, ...env },
  });
  return result.status ?? 1;
}
const mcpctl = (...args) => mcpctlWith({}, ...args);

console.log(`Demo home (MCPCTL_HOME): ${home}`);
// No keyring: the demo's secrets stay in its own home (a key file), never in the desktop's keyring.
mcpctlWith({ MCPCTL_NO_KEYRING: '1' }, 'daemon', 'start');
const known = spawnSync(process.execPath, [cli, 'server', 'show', 'everything'], {
  env: { ...process.env, MCPCTL_HOME: home },
});
if (known.status !== 0) {
  mcpctl('server', 'add', 'everything', '--', process.execPath, everything, 'stdio');
}
mcpctl('ls');
const pinged = mcpctl('server', 'ping', 'everything');
mcpctl('server', 'url', 'everything');
console.log('\n$ mcpctl connect everything   # as an AI client runs it: initialize, then tools/call echo');
const requests = [
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'demo', version: '1.0.0' } },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: 'hello through the mcpctl gateway' } },
  },
];
const bridge = spawnSync(process.execPath, [cli, 'connect', 'everything'], {
  input: `${requests.map((message) => JSON.stringify(message)).join('\n')}\n`,
  env: { ...process.env, MCPCTL_HOME: home },
  encoding: 'utf8',
  timeout: 20_000,
});
const answer = bridge.stdout.split('\n').find((line) => line.includes('"id":2'));
console.log(answer ?? `no answer (exit ${bridge.status}): ${bridge.stderr}`);
// The CLI as an MCP client, through the same gateway: list the tools, call one.
mcpctl('tools', 'everything');
const called = mcpctl('call', 'everything', 'echo', 'message=hi');
mcpctl('session', 'ls', '--all');
// A policy-only edit applies in place: same process, no restart (an env change would roll it over).
const edited = mcpctl('server', 'set', 'everything', '--health-interval', '5s');
const profiled = spawnSync(process.execPath, [cli, 'profile', 'show', 'demo'], {
  env: { ...process.env, MCPCTL_HOME: home },
});
if (profiled.status !== 0) {
  mcpctl('profile', 'create', 'demo', '--server', 'everything', '--description', 'one endpoint for the demo');
  mcpctl('profile', 'filter', 'demo', '--deny', '*long*');
}
mcpctl('profile', 'use', 'demo');
mcpctl('profile', 'ls');
mcpctl('profile', 'show', 'demo');
// An AI client's config, under a HOME of the demo's own: what install would write into Claude Code's.
const clientHome = { HOME: join(home, 'client-home'), XDG_CONFIG_HOME: join(home, 'client-home', '.config') };
mcpctlWith(clientHome, 'clients', 'ls', 'claude-code');
mcpctlWith(clientHome, 'install', 'claude-code', '--server', 'everything', '--dry-run');
mcpctl('server', 'show', 'everything');
mcpctl('logs', 'everything', '--tail', '5');
// The declarative file: what is defined, written as `apply -f` reads it; applied back, it changes nothing.
mcpctl('export');
console.log('\n$ mcpctl export | mcpctl apply -f - --dry-run');
const exported = spawnSync(process.execPath, [cli, 'export'], { env: { ...process.env, MCPCTL_HOME: home } });
spawnSync(process.execPath, [cli, 'apply', '-f', '-', '--dry-run'], {
  input: exported.stdout,
  stdio: ['pipe', 'inherit', 'inherit'],
  env: { ...process.env, MCPCTL_HOME: home },
});
// What happened, what it cost, and who did it: the event log, per-server figures, the audit log.
mcpctl('events', '--since', '10m', '--server', 'everything');
mcpctl('metrics');
// A secret, read from stdin (never argv), stored encrypted; only its name is ever shown.
console.log('\n$ echo ... | mcpctl secret set DEMO_TOKEN');
spawnSync(process.execPath, [cli, 'secret', 'set', 'DEMO_TOKEN'], {
  input: 'demo-secret-value\n',
  stdio: ['pipe', 'inherit', 'inherit'],
  env: { ...process.env, MCPCTL_HOME: home },
});
mcpctl('secret', 'ls');
// A consistent snapshot of the whole store, taken by the running daemon (restored below, once it is stopped).
const backupFile = join(home, 'demo-backup.db');
mcpctl('backup', 'create', backupFile, '--force');
mcpctl('audit', '--since', '10m');
mcpctl('daemon', 'status');
mcpctl('daemon', 'logs', '--tail', '3');
// The web dashboard: a one-time link (good for a minute; with --keep, open it while the daemon runs).
mcpctl('dashboard', '--no-open');
if (keep) {
  console.log(
    `\nThe daemon keeps running. Try:\n  MCPCTL_HOME=${home} node dist/mcpctl.js ls\nStop it with:\n  MCPCTL_HOME=${home} node dist/mcpctl.js daemon stop`,
  );
} else {
  mcpctl('daemon', 'stop');
  mcpctl('backup', 'restore', backupFile);
}
process.exit(pinged || called || edited || (answer?.includes('hello through the mcpctl gateway') ? 0 : 1));
