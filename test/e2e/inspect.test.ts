import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLI_NODE, EVERYTHING, FIXTURES, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';

/**
 * The CLI as an MCP inspector, through the gateway of a real daemon: server-everything, and a
 * fixture server (recorder.mjs) that logs every tools/call it receives, so a test can prove that
 * arguments refused by the schema check never reached the server.
 */
const h = useE2eHome();
let callLog = '';

/** The tools/call requests the recorder fixture received, in order. */
function recordedCalls(): Array<{ name: string; arguments: Record<string, unknown> }> {
  if (!existsSync(callLog)) return [];
  return readFileSync(callLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

beforeAll(async () => {
  callLog = join(h.home, 'calls.log');
  const everything = await h.run(['server', 'add', 'everything', ...h.mark('everything'), '--', CLI_NODE, EVERYTHING]);
  expect(everything.stderr).toMatch(/started|daemon/);
  const recorder = await h.run([
    'server',
    'add',
    'recorder',
    ...h.mark('recorder'),
    '--env',
    `CALL_LOG=${callLog}`,
    '--',
    CLI_NODE,
    join(FIXTURES, 'recorder.mjs'),
  ]);
  expect(recorder.code).toBe(0);
}, 60_000);

describe('mcpctl call', () => {
  it("prints server-everything's echo", async () => {
    const result = await h.run(['call', 'everything', 'echo', 'message=hi']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('Echo: hi\n');
    expect(result.code).toBe(0);
  });

  it('passes numbers where the schema says number (get-sum a=2 b=3)', async () => {
    const result = await h.run(['call', 'everything', 'get-sum', 'a=2', 'b=3']);
    expect(result.stdout).toBe('The sum of 2 and 3 is 5.\n');
    expect(result.code).toBe(0);
  });

  it('types each KEY=VALUE by its schema: integer, number, boolean, string, array, object, null', async () => {
    const args = ['n=3', 'ratio=0.5', 'flag=true', 'label=7', 'tags=["a","b"]', 'options={"depth":2}', 'maybe=null'];
    const result = await h.run(['call', 'recorder', 'typed', ...args, '-o', 'json']);
    expect(result.code).toBe(0);
    const expected = { n: 3, ratio: 0.5, flag: true, label: '7', tags: ['a', 'b'], options: { depth: 2 }, maybe: null };
    expect(JSON.parse(result.stdout).structuredContent).toEqual(expected);
    expect(recordedCalls().at(-1)).toEqual({ name: 'typed', arguments: expected });
  });

  it('refuses arguments that fail the schema before sending anything: exit 2 naming each bad field', async () => {
    const before = recordedCalls().length;
    const wrongType = await h.run(['call', 'recorder', 'typed', 'n=three']);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('invalid arguments for tool \'typed\': n: must be integer, got "three"');
    expect(wrongType.stderr).toContain('mcpctl tools recorder -o json');
    const unknownAndMissing = await h.run(['call', 'recorder', 'typed', 'bogus=1']);
    expect(unknownAndMissing.code).toBe(2);
    expect(unknownAndMissing.stderr).toContain('n: is required');
    expect(unknownAndMissing.stderr).toContain('bogus: is not an argument of this tool');
    const notKeyValue = await h.run(['call', 'recorder', 'typed', 'n']);
    expect(notKeyValue.code).toBe(2);
    expect(notKeyValue.stderr).toContain("invalid argument 'n': expected KEY=VALUE");
    expect(recordedCalls().length).toBe(before);
  });

  it('exits 5 when the tool answers isError, its content still printed', async () => {
    const result = await h.run(['call', 'recorder', 'fail']);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('it failed on purpose\n');
    expect(result.stderr).toContain("tool 'fail' returned an error");
  });

  it("takes --json '{...}', --json @FILE and --json - (stdin); KEY=VALUE words override it", async () => {
    const inline = await h.run([
      'call',
      'recorder',
      'typed',
      '--json',
      '{"n": 4, "label": "x"}',
      'label=y',
      '-o',
      'json',
    ]);
    expect(inline.code).toBe(0);
    expect(JSON.parse(inline.stdout).structuredContent).toEqual({ n: 4, label: 'y' });

    const file = join(h.home, 'args.json');
    writeFileSync(file, '{"n": 5}');
    const fromFile = await h.run(['call', 'recorder', 'typed', '--json', `@${file}`, '-o', 'json']);
    expect(JSON.parse(fromFile.stdout).structuredContent).toEqual({ n: 5 });

    const fromStdin = spawnSync(CLI_NODE, [CLI, 'call', 'recorder', 'typed', '--json', '-'], {
      input: '{"n": 6}',
      env: { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(fromStdin.stdout).toBe('{"n":6}\n');
    expect(fromStdin.status).toBe(0);

    const notObject = await h.run(['call', 'recorder', 'typed', '--json', '[1]']);
    expect(notObject.code).toBe(2);
    expect(notObject.stderr).toContain('--json must be a JSON object of arguments, not an array');
  });

  it('prints structured output once, and images summarised', async () => {
    const structured = await h.run(['call', 'recorder', 'typed', 'n=1']);
    expect(structured.stdout).toBe('{"n":1}\n');
    const image = await h.run(['call', 'everything', 'get-tiny-image']);
    expect(image.code).toBe(0);
    expect(image.stdout).toMatch(/^\[image image\/png, [\d.]+ KiB\]$/m);
  });

  it('shows no progress line when stderr is not a terminal, and returns the result', async () => {
    const result = await h.run(['call', 'recorder', 'steps']);
    expect(result.stdout).toBe('done\n');
    expect(result.stderr).toBe('');
  });

  // script(1) gives the CLI a real terminal on stderr; only stderr is kept (stdout goes to /dev/null).
  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'draws progress notifications as one line on a terminal stderr, erased before the result',
    () => {
      const command = `'${CLI_NODE}' '${CLI}' call recorder steps 2>&1 >/dev/null`;
      const tty = spawnSync('script', ['-qec', command, '/dev/null'], {
        env: { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(tty.status).toBe(0);
      expect(tty.stdout).toContain('\r\x1b[Kprogress 1/3 (33%) step 1');
      expect(tty.stdout).toContain('\r\x1b[Kprogress 3/3 (100%) step 3');
      expect(tty.stdout.endsWith('\r\x1b[K')).toBe(true);
    },
  );

  it('Ctrl-C during a call cancels it upstream (notifications/cancelled) and exits 130', async () => {
    const messages = join(h.home, 'slow.log');
    const added = await h.run([
      'server',
      'add',
      'slow',
      ...h.mark('slow'),
      '--env',
      `MESSAGE_LOG=${messages}`,
      '--',
      CLI_NODE,
      join(FIXTURES, 'slowCall.mjs'),
    ]);
    expect(added.code).toBe(0);
    const logged = (): Array<{ in?: { method?: string } }> =>
      existsSync(messages)
        ? readFileSync(messages, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line))
        : [];
    const child = spawn(CLI_NODE, [CLI, 'call', 'slow', 'slow', 'ms=20000'], {
      env: { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('the call to reach the server', () =>
      logged().some((entry) => entry.in?.method === 'tools/call') ? true : undefined,
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain("interrupted: tools/call 'slow' was cancelled");
    await waitFor('the cancellation to reach the server', () =>
      logged().some((entry) => entry.in?.method === 'notifications/cancelled') ? true : undefined,
    );
  });

  it('an unknown server or tool exits 8; a stopped server says so, with a hint', async () => {
    const server = await h.run(['call', 'nope', 'echo']);
    expect(server.code).toBe(8);
    const tool = await h.run(['call', 'everything', 'nope']);
    expect(tool.code).toBe(8);
    expect(tool.stderr).toContain("server 'everything' has no tool 'nope'");
    expect((await h.run(['stop', 'recorder'])).code).toBe(0);
    const stopped = await h.run(['call', 'recorder', 'typed', 'n=1']);
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toContain("server 'recorder' is stopped");
    expect(stopped.stderr).toContain('mcpctl start recorder');
    expect((await h.run(['start', 'recorder'])).code).toBe(0);
  });
});

describe('mcpctl tools', () => {
  it('lists name, title, annotations and the first line of the description', async () => {
    const result = await h.run(['tools', 'recorder']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TITLE\s+ANNOTATIONS\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/^typed\s+Typed arguments\s+read-only\s+Answers its arguments as structured output$/);
    expect(result.stdout).not.toContain('second line');
    const wide = await h.run(['tools', 'recorder', '-o', 'wide']);
    expect(wide.stdout).toContain('Answers its arguments as structured output second line');
  });

  it('-o json has the input schemas', async () => {
    const tools = await h.json<Array<{ name: string; inputSchema: { properties?: Record<string, unknown> } }>>([
      'tools',
      'everything',
    ]);
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo?.inputSchema.properties).toHaveProperty('message');
    expect(tools.map((tool) => tool.name)).toContain('get-sum');
  });

  it('--profile P asks /profiles/P/mcp: a profile the gateway does not serve exits 8', async () => {
    const result = await h.run(['tools', '--profile', 'nope']);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain("no profile named 'nope'");
  });

  it('without a server or --profile: exit 2', async () => {
    const result = await h.run(['tools']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name a server (or pass --profile NAME)');
  });
});

describe('mcpctl resources, read, prompts, prompt', () => {
  it('resources lists resources and templates; read prints a text resource as is', async () => {
    const listed = await h.run(['resources', 'everything']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^demo:\/\/resource\/static\/document\/features\.md\s+features\.md\s+text\/markdown/m,
    );
    expect(listed.stdout).toMatch(/^demo:\/\/resource\/dynamic\/text\/\{resourceId\}\s+.*\(template\)/m);
    const read = await h.run(['read', 'everything', 'demo://resource/dynamic/text/1']);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('Resource 1');
    const raw = await h.json<{ contents: Array<{ uri: string }> }>([
      'read',
      'everything',
      'demo://resource/dynamic/text/1',
    ]);
    expect(raw.contents[0]?.uri).toBe('demo://resource/dynamic/text/1');
    const blob = await h.run(['read', 'everything', 'demo://resource/dynamic/blob/1']);
    expect(blob.stdout).toMatch(/^\[blob demo:\/\/resource\/dynamic\/blob\/1 \(text\/plain, \d+ B\)\]$/m);
  });

  it('prompts lists arguments (* required); prompt checks them and prints the messages', async () => {
    const listed = await h.run(['prompts', 'everything']);
    expect(listed.stdout).toMatch(/^args-prompt\s+city\*,state\s+/m);
    const prompt = await h.run(['prompt', 'everything', 'args-prompt', 'city=Paris']);
    expect(prompt.code).toBe(0);
    expect(prompt.stdout).toMatch(/^\[user\]\n.*Paris/m);
    const missing = await h.run(['prompt', 'everything', 'args-prompt', 'state=CA']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("invalid arguments for prompt 'args-prompt': city: is required");
  });

  it('a server without resources or prompts has none (not an error)', async () => {
    const result = await h.run(['prompts', 'recorder']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('recorder has no prompts');
  });
});
