import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';

let daemon: ProfileDaemon;

beforeAll(async () => {
  daemon = await startProfileDaemon();
}, 30_000);
afterAll(async () => {
  await daemon?.stop();
});

interface Shown {
  state: string;
  pid: number | null;
  restarts: number;
  policy: { maxMemoryBytes: number };
  events: { type: string; message: string }[];
}

describe('--max-memory', () => {
  it('restarts a server whose process tree holds more than its limit, with an event saying so', async () => {
    await addServer(
      daemon.home,
      'hog',
      ['--max-memory', '150M', '--health-interval', '200ms', '--restart', 'always', '--backoff-initial', '50ms'],
      [process.execPath, join(FIXTURES, 'memoryHog.mjs')],
    );
    const before = await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'hog']);
    expect(before.policy.maxMemoryBytes).toBe(150 * 1024 * 1024);
    const session = await connectHttp(daemon.endpoint('hog'), new Client({ name: 'hog-test', version: '1.0.0' }));
    try {
      await session.client.callTool({ name: 'hog', arguments: { mb: 200 } });
    } finally {
      await session.close().catch(() => undefined);
    }
    const after = await waitFor('the hog to be restarted for its memory', async () => {
      const shown = await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'hog']);
      return shown.state === 'running' && shown.restarts >= 1 && shown.pid !== before.pid ? shown : undefined;
    });
    const event = after.events.find((e) => e.type === 'memory-exceeded');
    expect(event?.message).toMatch(
      /^hog exceeded its memory limit: its processes used \d+ MiB of memory, over its limit of 150 MiB/,
    );
    // `server set --max-memory 0` lifts the limit.
    expect((await mcpctl(daemon.home, ['server', 'set', 'hog', '--max-memory', '0'])).code).toBe(0);
    expect((await mcpctlJson<Shown>(daemon.home, ['server', 'show', 'hog'])).policy.maxMemoryBytes).toBe(0);
  }, 40_000);

  it('takes sizes with a unit and refuses others with exit 2', async () => {
    const bad = await mcpctl(daemon.home, ['server', 'add', 'tiny', '--max-memory', '12', '--', 'node', 'x.js']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid --max-memory '12'");
  });
});

describe('http upstreams at private addresses', () => {
  it('are refused with a message naming the address and the way to allow it (exit 4)', async () => {
    for (const url of [
      'http://10.20.30.40/mcp',
      'http://169.254.169.254/mcp',
      'http://[::ffff:192.168.0.9]:8080/mcp',
    ]) {
      const refused = await mcpctl(daemon.home, ['server', 'add', 'intranet', '--url', url, '--no-autostart']);
      expect(refused.code, url).toBe(4);
      expect(refused.stderr).toContain(`${url} is a private, link-local or metadata address`);
      expect(refused.stderr).toContain('--allow-private');
    }
  });

  it('are accepted with --allow-private, and refused again by server set --no-allow-private', async () => {
    const url = 'http://10.20.30.40/mcp';
    const allowed = await mcpctl(daemon.home, [
      'server',
      'add',
      'intranet',
      '--url',
      url,
      '--allow-private',
      '--no-autostart',
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    const reset = await mcpctl(daemon.home, ['server', 'set', 'intranet', '--no-allow-private']);
    expect(reset.code).toBe(4);
    expect(reset.stderr).toContain('private, link-local or metadata address');
  });
});
