import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { CLI, CLI_NODE, EVERYTHING, ROOT, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { runProcess } from '../helpers/run.js';

const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

/**
 * `apply -f` and `export` through the built binary against a real daemon: two real servers
 * (server-memory, server-everything) defined by a file, applied, re-applied, changed, pruned.
 * The tests run in order on one home, each starting from the state the one before left.
 */
const h = useE2eHome();

/** The file, with each server tagged (E2E_MARK) so its processes can be found in /proc. */
function file(options: { everythingEnv?: Record<string, string>; memoryRestart?: string; extra?: string } = {}) {
  const mark = (name: string) => `${h.home}/${name}`;
  return `# yaml-language-server: $schema=../schema/mcpctl.schema.json
apiVersion: mcpctl/v1
servers:
  - name: memory
    transport: stdio
    command: ${CLI_NODE}
    args: [${MEMORY}]
    env:
      E2E_MARK: ${mark('memory')}
    policy:
      restart: ${options.memoryRestart ?? 'on-failure'}
  - name: everything
    transport: stdio
    command: ${CLI_NODE}
    args: [${EVERYTHING}, stdio]
    env:
      E2E_MARK: ${mark('everything')}
${Object.entries(options.everythingEnv ?? {})
  .map(([key, value]) => `      ${key}: "${value}"\n`)
  .join('')}${options.extra ?? ''}`;
}

function write(name: string, text: string): string {
  const path = join(h.home, name);
  writeFileSync(path, text);
  return path;
}

async function running(): Promise<Record<string, number>> {
  return waitFor('both servers running', async () => {
    const views = await h.json<ServerView[]>(['ls']);
    if (!views.every((view) => view.state === 'running' && view.pid !== null)) return undefined;
    return Object.fromEntries(views.map((view) => [view.name, view.pid as number]));
  });
}

/** What is defined: the export (definitions) and each server's live pids. */
async function snapshot(): Promise<{ exported: string; pids: Record<string, number[]> }> {
  const exported = await h.run(['export']);
  expect(exported.code, exported.stderr).toBe(0);
  const views = await h.json<ServerView[]>(['ls']);
  return {
    exported: exported.stdout,
    pids: Object.fromEntries(views.map((view) => [view.name, h.serverPids(view.name)])),
  };
}

describe('mcpctl apply -f and export', () => {
  it('creates the servers of a file and runs them; the second run reports no changes and restarts nothing', async () => {
    const path = write('mcpctl.yaml', file());
    const first = await h.run(['apply', '-f', path]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('+ server memory\n+ server everything\napplied: 2 created\n');
    const pids = await running();
    expect(h.serverPids('memory')).toEqual([pids.memory]);
    expect(h.serverPids('everything')).toEqual([pids.everything]);

    const second = await h.run(['apply', '-f', path]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('no changes (2 unchanged)\n');
    expect(await running()).toEqual(pids);
  });

  it('--dry-run prints the plan of a changed file and changes nothing', async () => {
    const before = await snapshot();
    const path = write('changed.yaml', file({ everythingEnv: { GREETING: 'hi' }, memoryRestart: 'always' }));
    const dry = await h.run(['apply', '-f', path, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(
      [
        '~ server memory: policy.restart changed',
        '~ server everything: env.GREETING changed (roll over)',
        'dry run: 2 to update; nothing was changed',
        '',
      ].join('\n'),
    );
    const json = await h.json<{ dryRun: boolean; steps: Array<{ name: string; action: string; status: string }> }>([
      'apply',
      '-f',
      path,
      '--dry-run',
    ]);
    expect(json.dryRun).toBe(true);
    expect(json.steps.map((step) => `${step.name} ${step.action} ${step.status}`)).toEqual([
      'memory update planned',
      'everything rollover planned',
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('export | apply -f - is a no-op', async () => {
    const before = await snapshot();
    const env = { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1', NODE: CLI_NODE, MCPCTL: CLI };
    const piped = await runProcess('/bin/sh', ['-c', '"$NODE" "$MCPCTL" export | "$NODE" "$MCPCTL" apply -f -'], {
      env,
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe('no changes (2 unchanged)\n');
    expect(await snapshot()).toEqual(before);
  });

  it('a file with a typo names file:line:col and changes nothing, also when the entry before it is valid', async () => {
    const before = await snapshot();
    const unknownField = write(
      'typo.yaml',
      file().replace('    transport: stdio\n    command', '    transprt: stdio\n    command'),
    );
    const typo = await h.run(['apply', '-f', unknownField]);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain(`${unknownField}:5:5: servers[0].transprt: unknown field 'transprt'`);
    expect(typo.stderr).toContain(`${unknownField}:4:5: servers[0].transport: missing`);

    // The first entry is a new, valid server; the second has a wrong type and a bad name.
    const secondBad = write(
      'second.yaml',
      `apiVersion: mcpctl/v1
servers:
  - name: extra
    transport: stdio
    command: ${CLI_NODE}
    args: [${MEMORY}]
  - name: Bad Name
    transport: stdio
    command: ${CLI_NODE}
    autostart: 1
`,
    );
    const bad = await h.run(['apply', '-f', secondBad]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`${secondBad}:7:11: servers[1].name: must be 1-63 characters`);
    expect(bad.stderr).toMatch(new RegExp(`${secondBad}:10:16: servers\\[1\\]\\.autostart: .*boolean`));
    expect(bad.stderr).toContain('nothing was changed');
    // A command the daemon cannot find fails the file before its first server is added (as `server add`: exit 2).
    const missing = write(
      'missing.yaml',
      `apiVersion: mcpctl/v1
servers:
  - {name: extra, transport: stdio, command: ${CLI_NODE}, args: [${MEMORY}]}
  - {name: nothere, transport: stdio, command: /nonexistent/bin/server}
`,
    );
    const unlaunchable = await h.run(['apply', '-f', missing]);
    expect(unlaunchable.code).toBe(2);
    expect(unlaunchable.stderr).toContain('/nonexistent/bin/server');
    const ghost = write('ghost.yaml', `${file()}profiles:\n  - name: dev\n    members:\n      - server: ghost\n`);
    const refused = await h.run(['apply', '-f', ghost]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${ghost}:21:17: profiles[0].members[0].server: no server named 'ghost'`);
    expect(await snapshot()).toEqual(before);
  });

  it('applies a change: rolls over only the server whose environment changed', async () => {
    const pids = await running();
    const path = write('changed.yaml', file({ everythingEnv: { GREETING: 'hi' } }));
    const applied = await h.run(['apply', '-f', path]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toBe(
      '~ server everything: env.GREETING changed (rolled over)\napplied: 1 updated, 1 unchanged\n',
    );
    const after = await waitFor('everything under a new pid', async () => {
      const now = await running();
      return now.everything !== pids.everything ? now : undefined;
    });
    expect(after.memory).toBe(pids.memory);
    expect((await h.run(['apply', '-f', path])).stdout).toBe('no changes (2 unchanged)\n');
  });

  it('reads JSON, and --prune removes what the file does not name', async () => {
    const pids = await running();
    const document = {
      apiVersion: 'mcpctl/v1',
      servers: [
        {
          name: 'memory',
          transport: 'stdio',
          command: CLI_NODE,
          args: [MEMORY],
          env: { E2E_MARK: `${h.home}/memory` },
        },
      ],
    };
    const path = write('only-memory.json', JSON.stringify(document, null, 2));
    const kept = await h.run(['apply', '-f', path]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toBe('no changes (1 unchanged)\n');

    const pruned = await h.run(['apply', '-f', path, '--prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toBe('- server everything\napplied: 1 deleted, 1 unchanged\n');
    const views = await h.json<ServerView[]>(['ls']);
    expect(views.map((view) => view.name)).toEqual(['memory']);
    expect(views[0]?.pid).toBe(pids.memory);
    await waitFor('everything stopped', () => (h.serverPids('everything').length === 0 ? true : undefined));
  });
  it('applies profiles: created after their servers, unchanged on the second run, exported, pruned before their servers', async () => {
    const pids = await running();
    const profile = `profiles:
  - name: dev
    description: the memory server alone
    members: [{ server: memory, env: { WORKSPACE: one } }]
    filters: { deny: ["*delete*"] }
`;
    const path = write(
      'with-profile.yaml',
      `${file()}${profile}`.replace(/ {2}- name: everything[\s\S]*?(?=profiles:)/, ''),
    );
    const created = await h.run(['apply', '-f', path]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('+ profile dev');
    const shown = await h.json<{ members: Array<{ server: string }>; filters: { deny: string[] } }>([
      'profile',
      'show',
      'dev',
    ]);
    expect(shown.members.map((member) => member.server)).toEqual(['memory']);
    expect(shown.filters.deny).toEqual(['*delete*']);

    expect((await h.run(['apply', '-f', path])).stdout).toBe('no changes (2 unchanged)\n');
    const exported = await h.run(['export', '--profile', 'dev']);
    expect(exported.stdout).toContain('name: dev');
    expect(exported.stdout).toContain('WORKSPACE: one');
    const env = { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1', NODE: CLI_NODE, MCPCTL: CLI };
    const roundTrip = await runProcess('/bin/sh', ['-c', '"$NODE" "$MCPCTL" export | "$NODE" "$MCPCTL" apply -f -'], {
      env,
    });
    expect(roundTrip.stdout).toBe('no changes (2 unchanged)\n');

    const empty = write('empty.yaml', 'apiVersion: mcpctl/v1\n');
    const pruned = await h.run(['apply', '-f', empty, '--prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout.indexOf('- profile dev')).toBeLessThan(pruned.stdout.indexOf('- server memory'));
    expect(pruned.stdout.indexOf('- profile dev')).toBeGreaterThanOrEqual(0);
    expect((await h.run(['profile', 'ls', '-o', 'json'])).stdout.trim()).toBe('[]');
    expect(await h.json<ServerView[]>(['ls'])).toEqual([]);
    expect(pids.memory).toBeGreaterThan(0);
  });
});
