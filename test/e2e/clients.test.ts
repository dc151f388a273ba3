// biome-ignore-all lint/suspicious/noTemplateCurlyInString: client configs hold ${VAR} references, kept verbatim
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { CLI_NODE, EVERYTHING, ROOT } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';

/**
 * The 8 clients' real config files, under a temporary HOME and project folder, with fixtures
 * (test/fixtures/clients/) as users have them: comments, unknown keys, other servers, every alias.
 * import registers their servers; install writes an entry that, started as the client starts it,
 * lists the tools of a server behind mcpctl's gateway; uninstall gives the file back byte for byte.
 */

const FIXTURES = join(ROOT, 'test/fixtures/clients');
const h = useE2eHome();

interface Dirs {
  home: string;
  project: string;
}

type Expected =
  | { transport: 'stdio'; command: string; args: string[]; env?: Record<string, string> }
  | { transport: 'http' | 'sse'; url: string };

interface InstallTarget {
  scope?: string;
  file: (d: Dirs) => string;
  keyPath: (d: Dirs) => string[];
}

interface ClientCase {
  client: string;
  format: 'json' | 'jsonc' | 'toml';
  fixtures: Array<{ file: (d: Dirs) => string; fixture: string }>;
  imported: Record<string, Expected>;
  skipped?: Record<string, RegExp>;
  http: boolean;
  installs: InstallTarget[];
}

const fsArgs = (dir: string): string[] => ['-y', '@modelcontextprotocol/server-filesystem', dir];
const memory: Expected = { transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] };

const CASES: ClientCase[] = [
  {
    client: 'claude-desktop',
    format: 'json',
    fixtures: [
      { file: (d) => join(d.home, '.config/Claude/claude_desktop_config.json'), fixture: 'claude-desktop.json' },
    ],
    imported: {
      'desktop-files': {
        transport: 'stdio',
        command: 'npx',
        args: fsArgs('/home/ann/Documents'),
        env: { DATA_DIR: '${HOME}/data' },
      },
      'desktop-memory': memory,
    },
    http: false,
    installs: [
      { file: (d) => join(d.home, '.config/Claude/claude_desktop_config.json'), keyPath: () => ['mcpServers'] },
    ],
  },
  {
    client: 'claude-code',
    format: 'json',
    fixtures: [
      { file: (d) => join(d.home, '.claude.json'), fixture: 'claude-code.json' },
      { file: (d) => join(d.project, '.mcp.json'), fixture: 'claude-code-project.mcp.json' },
    ],
    imported: {
      'code-user-files': { transport: 'stdio', command: 'npx', args: fsArgs('/srv') },
      'code-user-api': { transport: 'http', url: 'https://api.example.com/mcp' },
      'code-local-memory': memory,
      'code-project-docs': { transport: 'http', url: 'https://docs.example.com/mcp' },
      'code-project-events': { transport: 'sse', url: 'https://events.example.com/sse' },
    },
    http: true,
    installs: [
      { file: (d) => join(d.home, '.claude.json'), keyPath: () => ['mcpServers'] },
      {
        scope: 'local',
        file: (d) => join(d.home, '.claude.json'),
        keyPath: (d) => ['projects', d.project, 'mcpServers'],
      },
      { scope: 'project', file: (d) => join(d.project, '.mcp.json'), keyPath: () => ['mcpServers'] },
    ],
  },
  {
    client: 'cursor',
    format: 'json',
    fixtures: [{ file: (d) => join(d.home, '.cursor/mcp.json'), fixture: 'cursor.json' }],
    imported: {
      'cursor-files': { transport: 'stdio', command: 'npx', args: fsArgs('${userHome}/code') },
      'cursor-linear': { transport: 'http', url: 'https://mcp.linear.app/mcp' },
    },
    http: true,
    installs: [{ file: (d) => join(d.home, '.cursor/mcp.json'), keyPath: () => ['mcpServers'] }],
  },
  {
    client: 'vscode',
    format: 'jsonc',
    fixtures: [{ file: (d) => join(d.home, '.config/Code/User/mcp.json'), fixture: 'vscode.jsonc' }],
    imported: {
      'vscode-memory': memory,
      'vscode-github': { transport: 'http', url: 'https://api.githubcopilot.com/mcp/' },
      'vscode-legacy': { transport: 'sse', url: 'https://legacy.example.com/sse' },
    },
    http: true,
    installs: [{ file: (d) => join(d.home, '.config/Code/User/mcp.json'), keyPath: () => ['servers'] }],
  },
  {
    client: 'windsurf',
    format: 'json',
    fixtures: [{ file: (d) => join(d.home, '.codeium/windsurf/mcp_config.json'), fixture: 'windsurf.json' }],
    imported: {
      'windsurf-memory': memory,
      'windsurf-remote': { transport: 'http', url: 'https://remote.example.com/mcp' },
    },
    http: true,
    installs: [{ file: (d) => join(d.home, '.codeium/windsurf/mcp_config.json'), keyPath: () => ['mcpServers'] }],
  },
  {
    client: 'zed',
    format: 'jsonc',
    fixtures: [{ file: (d) => join(d.home, '.config/zed/settings.json'), fixture: 'zed.jsonc' }],
    imported: {
      'zed-files': { transport: 'stdio', command: 'npx', args: fsArgs('/home/ann') },
      'zed-nested': memory,
      'zed-remote': { transport: 'http', url: 'https://zed-remote.example.com/mcp' },
    },
    http: true,
    installs: [{ file: (d) => join(d.home, '.config/zed/settings.json'), keyPath: () => ['context_servers'] }],
  },
  {
    client: 'codex',
    format: 'toml',
    fixtures: [{ file: (d) => join(d.home, '.codex/config.toml'), fixture: 'codex.toml' }],
    imported: {
      'codex-files': { transport: 'stdio', command: 'npx', args: fsArgs('/work') },
      'codex-figma': { transport: 'http', url: 'https://mcp.figma.com/mcp' },
    },
    http: true,
    installs: [{ file: (d) => join(d.home, '.codex/config.toml'), keyPath: () => ['mcp_servers'] }],
  },
  {
    client: 'gemini',
    format: 'jsonc',
    fixtures: [{ file: (d) => join(d.home, '.gemini/settings.json'), fixture: 'gemini.json' }],
    imported: {
      'gemini-memory': memory,
      'gemini-stream': { transport: 'http', url: 'https://stream.example.com/mcp' },
      'gemini-events': { transport: 'sse', url: 'https://events.example.com/sse' },
    },
    http: true,
    installs: [{ file: (d) => join(d.home, '.gemini/settings.json'), keyPath: () => ['mcpServers'] }],
  },
];

/**
 * What install is asked to reach: the server itself, or profile p (member everything), whose entry
 * (`mcpctl-p`) lists the member's tools namespaced.
 */
const TARGETS = [
  {
    label: '--server everything',
    args: ['--server', 'everything'],
    entry: 'everything',
    tool: 'echo',
    kind: 'server',
    name: 'everything',
  },
  {
    label: '--profile p',
    args: ['--profile', 'p'],
    entry: 'mcpctl-p',
    tool: 'everything__echo',
    kind: 'profile',
    name: 'p',
  },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let dirs: Dirs;
let scratch: string;

function clientEnv(): NodeJS.ProcessEnv {
  return { HOME: dirs.home, XDG_CONFIG_HOME: join(dirs.home, '.config'), CODEX_HOME: '', CLAUDE_CONFIG_DIR: '' };
}

function run(args: string[]) {
  return h.run(args, { env: clientEnv(), cwd: dirs.project });
}

function layFixtures(c: ClientCase): void {
  for (const { file, fixture } of c.fixtures) {
    const path = file(dirs);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, readFileSync(join(FIXTURES, fixture), 'utf8').replaceAll('__PROJECT__', dirs.project));
  }
}

function parseFile(format: ClientCase['format'], text: string): unknown {
  if (format === 'toml') return parseToml(text);
  return format === 'json' ? JSON.parse(text) : parseJsonc(text);
}

function entryAt(document: unknown, keyPath: string[], name: string): Record<string, unknown> {
  let value = document as Record<string, unknown>;
  for (const key of [...keyPath, name]) value = value[key] as Record<string, unknown>;
  return value;
}

/** Starts the entry as a client does (stdio: spawned with a GUI app's minimal PATH) and lists its tools. */
async function toolsOf(entry: Record<string, unknown>): Promise<string[]> {
  const client = new Client({ name: 'clients-e2e', version: '1.0.0' });
  const url = (entry.url ?? entry.serverUrl ?? entry.httpUrl) as string | undefined;
  if (url) {
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  } else {
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const env = { PATH: '/usr/bin:/bin', ...(entry.env as Record<string, string> | undefined) };
    await client.connect(
      new StdioClientTransport({ command: entry.command as string, args: entry.args as string[], env, stderr: 'pipe' }),
    );
  }
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

function backupsBeside(file: string): string[] {
  return readdirSync(dirname(file)).filter((name) => name.includes('.mcpctl-') && name.endsWith('.bak'));
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'mcpctl-clients-'));
  const added = await h.run(['server', 'add', 'everything', ...h.mark('everything'), '--', CLI_NODE, EVERYTHING]);
  expect(added.code).toBe(0);
  const profiled = await h.run(['profile', 'create', 'p', '--server', 'everything']);
  expect(profiled.code, profiled.stderr).toBe(0);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(CASES)('$client', (c) => {
  beforeAll(() => {
    dirs = { home: join(scratch, c.client), project: join(scratch, c.client, 'project') };
    mkdirSync(dirs.project, { recursive: true });
    layFixtures(c);
  });

  it('clients ls finds its file(s) and their entries', async () => {
    const result = await run(['clients', 'ls', c.client, '-o', 'json']);
    expect(result.stderr).toBe('');
    const [report] = JSON.parse(result.stdout) as Array<{ detected: boolean; files: Array<{ entries: unknown[] }> }>;
    expect(report?.detected).toBe(true);
    const names = report?.files.flatMap((file) => file.entries.map((entry) => (entry as { name: string }).name));
    expect(names).toEqual(expect.arrayContaining([...Object.keys(c.imported), ...Object.keys(c.skipped ?? {})]));
  });

  it('import registers its servers with their transports, references kept verbatim', async () => {
    const result = await run(['import', c.client, '--no-start', '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const items = JSON.parse(result.stdout) as Array<{ entry: string; name: string; action: string; note?: string }>;
    for (const name of Object.keys(c.imported)) {
      expect(items.find((item) => item.entry === name)?.action, name).toBe('add');
    }
    for (const [name, reason] of Object.entries(c.skipped ?? {})) {
      const item = items.find((candidate) => candidate.entry === name);
      expect(item?.action, name).toBe('skip');
      expect(item?.note).toMatch(reason);
    }
    const views = await h.json<ServerView[]>(['ls']);
    for (const [name, expected] of Object.entries(c.imported)) {
      const view = views.find((candidate) => candidate.name === name);
      expect(view?.transport, name).toBe(expected.transport);
      if (expected.transport === 'stdio') {
        expect(view?.command).toBe(expected.command);
        expect(view?.args).toEqual(expected.args);
        if (expected.env) expect(view?.env).toEqual(expected.env);
      } else expect(view?.url).toBe(expected.url);
      expect(view?.labels['mcpctl.imported-from']).toBe(c.client);
    }
  });

  for (const install of c.installs) {
    for (const target of TARGETS) {
      for (const transport of c.http ? ['stdio', 'http'] : ['stdio']) {
        it(`install ${target.label} --transport ${transport}${install.scope ? ` --scope ${install.scope}` : ''}: the entry lists the tools; uninstall restores the file`, async () => {
          const file = install.file(dirs);
          const scope = install.scope ? ['--scope', install.scope] : [];
          const before = readFileSync(file, 'utf8');
          const backups = backupsBeside(file).length;
          const installed = await run(['install', c.client, ...target.args, ...scope, '--transport', transport]);
          expect(installed.stderr).toBe('');
          expect(installed.code).toBe(0);
          expect(backupsBeside(file).length).toBe(backups + 1);
          const written = readFileSync(file, 'utf8');
          const entry = entryAt(parseFile(c.format, written), install.keyPath(dirs), target.entry);
          if (transport === 'stdio') expect(entry.command).toBe(CLI_NODE);
          expect(await toolsOf(entry)).toContain(target.tool);
          // Every other byte stays: the text before the entry is a prefix of what was written.
          const listed = await run(['clients', 'ls', c.client, ...scope, '-o', 'json']);
          expect(listed.stdout).toMatch(new RegExp(`"kind": "${target.kind}",\\s+"name": "${target.name}"`));
          const removed = await run(['uninstall', c.client, ...scope]);
          expect(removed.stderr).toBe('');
          expect(readFileSync(file, 'utf8')).toBe(before);
        });
      }
    }
  }

  it('install --dry-run prints the diff and writes nothing', async () => {
    const file = c.installs[0]?.file(dirs) as string;
    const before = readFileSync(file, 'utf8');
    const backups = backupsBeside(file);
    const result = await run(['install', c.client, '--server', 'everything', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`--- ${file}`);
    expect(result.stdout).toMatch(/^\+.*everything/m);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(backupsBeside(file)).toEqual(backups);
  });

  it('a malformed file is refused with file:line:col and left untouched (no backup, no write)', async () => {
    const file = c.installs[0]?.file(dirs) as string;
    const broken =
      c.format === 'toml'
        ? 'model = "o3"\n[mcp_servers.x\ncommand = "y"\n'
        : '{\n  "mcpServers": {\n    "x": { "command": "y" }\n  \n';
    writeFileSync(file, broken);
    const listing = readdirSync(dirname(file));
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const args of [
      ['import', c.client],
      ['install', c.client, '--server', 'everything'],
      ['uninstall', c.client],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).toMatch(new RegExp(`${escaped}:\\d+:\\d+: `));
    }
    expect(readFileSync(file, 'utf8')).toBe(broken);
    expect(readdirSync(dirname(file))).toEqual(listing);
  });
});

describe('uninstall gives the file back', () => {
  it('byte for byte whether install found the server map empty or had to create it', async () => {
    dirs = { home: join(scratch, 'maps'), project: join(scratch, 'maps', 'project') };
    mkdirSync(dirs.project, { recursive: true });
    const empty = join(dirs.home, '.gemini/settings.json');
    const none = join(dirs.home, '.config/zed/settings.json');
    mkdirSync(dirname(empty), { recursive: true });
    mkdirSync(dirname(none), { recursive: true });
    const texts = {
      [empty]: '{\n  "theme": "GitHub",\n  "mcpServers": {}\n}\n',
      [none]: '// Zed\n{\n  "vim_mode": true\n}\n',
    };
    for (const [file, text] of Object.entries(texts)) writeFileSync(file, text);
    for (const client of ['gemini', 'zed']) {
      expect((await run(['install', client, '--server', 'everything'])).code).toBe(0);
      expect((await run(['uninstall', client])).code).toBe(0);
    }
    for (const [file, text] of Object.entries(texts)) expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it("without what install wrote, and with the client's later changes kept", async () => {
    const file = join(dirs.home, '.gemini/settings.json');
    expect((await run(['install', 'gemini', '--server', 'everything'])).code).toBe(0);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"GitHub"', '"Dracula"'));
    expect((await run(['uninstall', 'gemini'])).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ theme: 'Dracula' });
  });
});

describe('install --replace', () => {
  it('moves the entries the servers were imported from out of the file (kept in the backup)', async () => {
    dirs = { home: join(scratch, 'replace'), project: join(scratch, 'replace', 'project') };
    mkdirSync(dirs.project, { recursive: true });
    const file = join(dirs.home, '.cursor/mcp.json');
    mkdirSync(dirname(file), { recursive: true });
    const original =
      '{\n  "mcpServers": {\n    "replace-me": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] },\n    "keep": { "url": "https://keep.example.com/mcp" }\n  }\n}\n';
    writeFileSync(file, original);
    // Import only replace-me: "keep" is taken by an existing server of another definition.
    await h.run(['server', 'add', 'keep', '--no-autostart', '--url', 'https://other.example.com/mcp']);
    expect((await run(['import', 'cursor', '--no-start'])).code).toBe(0);
    const result = await run(['install', 'cursor', '--server', 'everything', '--replace']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('moved out of the client: replace-me');
    const document = JSON.parse(readFileSync(file, 'utf8')) as { mcpServers: Record<string, unknown> };
    expect(Object.keys(document.mcpServers)).toEqual(['keep', 'everything']);
    const [backup] = backupsBeside(file);
    expect(readFileSync(join(dirname(file), backup as string), 'utf8')).toBe(original);
  });
});

describe('an imported SSE entry', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('becomes a server on the legacy HTTP+SSE transport that answers through the gateway', async () => {
    const port = await freePort();
    server = spawn(CLI_NODE, [EVERYTHING, 'sse'], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      server?.stderr?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('running on port')) resolve();
      });
      server?.once('exit', (code) => reject(new Error(`server-everything sse exited ${code}`)));
    });
    dirs = { home: join(scratch, 'sse'), project: join(scratch, 'sse', 'project') };
    mkdirSync(dirs.project, { recursive: true });
    writeFileSync(
      join(dirs.project, '.mcp.json'),
      JSON.stringify({ mcpServers: { legacy: { type: 'sse', url: `http://127.0.0.1:${port}/sse` } } }),
    );
    const imported = await run(['import', 'claude-code', '--scope', 'project']);
    expect(imported.code).toBe(0);
    expect((await h.run(['start', 'legacy'])).code).toBe(0);
    const view = (await h.json<ServerView[]>(['ls'])).find((candidate) => candidate.name === 'legacy');
    expect(view?.transport).toBe('sse');
    expect(view?.state).toBe('running');
    const { url } = await h.json<{ url: string }>(['server', 'url', 'legacy']);
    expect(await toolsOf({ url })).toContain('echo');
  });
});

describe('bad input', () => {
  it('an unknown client exits 2 listing the known ones', async () => {
    const result = await h.run(['install', 'notepad', '--server', 'everything']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown client 'notepad'");
    expect(result.stderr).toContain('claude-desktop, claude-code, cursor, vscode, windsurf, zed, codex, gemini');
  });

  it('install --profile of an unknown profile exits 8, writing nothing', async () => {
    const result = await h.run(['install', 'cursor', '--profile', 'work', '--config', join(scratch, 'none.json')]);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain("no profile named 'work'");
    expect(readdirSync(scratch)).not.toContain('none.json');
  });

  it('install with neither --server nor --profile reaches the current profile, and exits 2 when none is set', async () => {
    const file = join(scratch, 'current.json');
    const none = await h.run(['install', 'cursor', '--config', file]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--server NAME... or --profile NAME');
    expect(readdirSync(scratch)).not.toContain('current.json');
    expect((await h.run(['profile', 'use', 'p'])).code).toBe(0);
    try {
      const used = await h.run(['install', 'cursor', '--config', file]);
      expect(used.code, used.stderr).toBe(0);
      const entry = entryAt(JSON.parse(readFileSync(file, 'utf8')), ['mcpServers'], 'mcpctl-p');
      expect(await toolsOf(entry)).toContain('everything__echo');
    } finally {
      expect((await h.run(['config', 'unset', 'profile'])).code).toBe(0);
    }
  });

  it('--transport http for Claude Desktop exits 2', async () => {
    const result = await h.run(['install', 'claude-desktop', '--server', 'everything', '--transport', 'http']);
    expect(result.code).toBe(2);
  });
});

describe('import options', () => {
  function freshHome(name: string): void {
    dirs = { home: join(scratch, name), project: join(scratch, name, 'project') };
    mkdirSync(dirs.project, { recursive: true });
  }

  function writeJson(path: string, value: unknown): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  it('--all imports every detected client, reports a malformed file (exit 3) and imports the others', async () => {
    freshHome('all');
    writeJson(join(dirs.home, '.cursor/mcp.json'), {
      mcpServers: { 'all-cursor': { command: CLI_NODE, args: [EVERYTHING], env: { NOTE: 'from cursor' } } },
    });
    writeJson(join(dirs.home, '.codeium/windsurf/mcp_config.json'), {
      mcpServers: { 'all-windsurf': { command: 'npx', args: ['-y', 'x'], disabled: true } },
    });
    mkdirSync(join(dirs.home, '.gemini'), { recursive: true });
    writeFileSync(join(dirs.home, '.gemini/settings.json'), '{ "mcpServers": { ');
    const result = await run(['import', '--all']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\.gemini\/settings\.json:1:\d+: .*\(skipped\)/);
    expect(result.stdout).toMatch(/^all-cursor\s+stdio\s+cursor:user:all-cursor\s+added$/m);
    expect(result.stdout).toMatch(/^all-windsurf\s+stdio\s+windsurf:user:all-windsurf\s+added$/m);
    const views = await h.json<ServerView[]>(['ls']);
    // Imported without --no-start, a working server comes up; a disabled entry is imported with autostart off.
    expect(views.find((view) => view.name === 'all-windsurf')?.autostart).toBe(false);
    expect((await h.run(['start', 'all-cursor'])).code).toBe(0);
  });

  it('a name another definition holds: skipped, --rename adds NAME-2, --overwrite replaces it', async () => {
    freshHome('clash');
    writeJson(join(dirs.home, '.cursor/mcp.json'), {
      mcpServers: { 'clash-me': { url: 'https://new.example.com/mcp', envFile: '.env' } },
    });
    await h.run(['server', 'add', 'clash-me', '--no-autostart', '--url', 'https://old.example.com/mcp']);
    const skipped = await run(['import', 'cursor', '--no-start']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/skipped: name 'clash-me' is taken/);
    const dry = await run(['import', 'cursor', '--rename', '--dry-run']);
    expect(dry.stdout).toMatch(
      /^clash-me-2\s+http\s+cursor:user:clash-me\s+would add: renamed from 'clash-me'; not imported: envFile$/m,
    );
    expect((await h.json<ServerView[]>(['ls'])).some((view) => view.name === 'clash-me-2')).toBe(false);
    expect((await run(['import', 'cursor', '--rename', '--no-start'])).code).toBe(0);
    expect((await run(['import', 'cursor', '--overwrite', '--no-start'])).code).toBe(0);
    const views = await h.json<ServerView[]>(['ls']);
    expect(views.find((view) => view.name === 'clash-me')?.url).toBe('https://new.example.com/mcp');
    expect(views.find((view) => view.name === 'clash-me-2')?.url).toBe('https://new.example.com/mcp');
    // Importing again changes nothing.
    expect((await run(['import', 'cursor', '--no-start'])).stdout).toMatch(/unchanged: already a server/);
  });

  it('--profile adds what it imported to the profile (created when missing), after its members', async () => {
    freshHome('profile');
    writeJson(join(dirs.home, '.cursor/mcp.json'), {
      mcpServers: { 'profile-only': { url: 'https://p.example.com/mcp' } },
    });
    const result = await run(['import', 'cursor', '--profile', 'work', '--no-start']);
    expect(result.code, result.stderr).toBe(0);
    expect((await h.json<ServerView[]>(['ls'])).some((view) => view.name === 'profile-only')).toBe(true);
    const work = await h.json<{ members: Array<{ server: string }> }>(['profile', 'show', 'work']);
    expect(work.members.map((member) => member.server)).toEqual(['profile-only']);
    const again = await run(['import', 'cursor', '--profile', 'p', '--overwrite', '--no-start']);
    expect(again.code, again.stderr).toBe(0);
    const p = await h.json<{ members: Array<{ server: string }> }>(['profile', 'show', 'p']);
    expect(p.members.map((member) => member.server)).toEqual(['everything', 'profile-only']);
  });
});
