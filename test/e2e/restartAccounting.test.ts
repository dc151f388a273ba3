import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

/**
 * A server that crashes before answering `initialize` ends one attempt, whichever the daemon
 * notices first: the process exit or the closed stdout. crashWithChild.mjs makes the exit come
 * first (a child it leaves behind holds stdout open). Counting that crash twice (the exit callback
 * and the failed `ready()` both ending the same attempt in instance.ts launch()) made the server
 * give up after 2 of its 4 spawns; this keeps it fixed.
 */
describe('one crash is one failure', () => {
  it('gives a server that crashes before initialize all of its --max-restarts', async () => {
    h = e2eHome();
    const spawnLog = join(h.home, 'spawns.log');
    const add = await h.run([
      'server',
      'add',
      'crashy',
      ...h.mark('crashy'),
      '--env',
      `SPAWN_LOG=${spawnLog}`,
      '--backoff-initial',
      '100ms',
      '--max-restarts',
      '3',
      '--restart-window',
      '30s',
      '--',
      process.execPath,
      join(FIXTURES, 'crashWithChild.mjs'),
    ]);
    // Its first attempt crashed: add says so (exit 5); the restart policy goes on with it.
    expect(add.code, add.stderr).toBe(5);
    const failed = await waitFor(
      'crashy failed',
      async () => {
        const view = await h.json<ServerDetail>(['server', 'show', 'crashy']);
        return view.state === 'failed' ? view : undefined;
      },
      20_000,
    );
    const spawns = existsSync(spawnLog) ? readFileSync(spawnLog, 'utf8').trim().split('\n') : [];
    const exited = failed.events.filter((event) => event.type === 'backoff');
    expect(spawns).toHaveLength(4);
    expect(
      exited.map((event) => event.message),
      'one backoff event per crash but the last',
    ).toHaveLength(3);
    expect(failed.restarts).toBe(3);
    expect(failed.events.at(-1)?.message).toMatch(/crashy failed 4 times/);
    // The child each attempt left behind (it lives 5 s) is ended with its group.
    await waitFor('no process of crashy left', () => (h.serverPids('crashy').length === 0 ? true : undefined), 3000);
  });
});
