import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CONFORMANCE_FIXTURE, runConformance } from '../helpers/conformance.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';

/**
 * Scenarios that look up no tool, prompt or resource of the fixture by name: they must pass
 * through a profile whatever its naming. (Resources keep their URIs under any naming.)
 */
const NAME_INDEPENDENT = [
  'server-initialize',
  'ping',
  'logging-set-level',
  'tools-list',
  'prompts-list',
  'resources-list',
  'resources-read-text',
  'resources-read-binary',
  'resources-templates-read',
  'resources-subscribe',
  'resources-unsubscribe',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

let daemon: ProfileDaemon;

beforeAll(async () => {
  daemon = await startProfileDaemon();
  await addServer(daemon.home, 'conformance', [], [process.execPath, CONFORMANCE_FIXTURE]);
  await daemon.profiles.put({
    name: 'conf-plain',
    members: [{ server: 'conformance' }],
    naming: { prefixFirst: false },
  });
  await daemon.profiles.put({ name: 'conf-prefixed', members: [{ server: 'conformance' }] });
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
});

describe('the conformance suite against a profile of the conformance fixture', () => {
  it('with prefixing off passes the same scenarios as /servers/NAME/mcp; with it on, every name-independent one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mcpctl-profile-conf-'));
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const viaServer = await runConformance(daemon.endpoint('conformance'), { outDir: join(out, 'server') });
    const viaProfile = await runConformance(daemon.profileEndpoint('conf-plain'), { outDir: join(out, 'plain') });
    const prefixed = await runConformance(daemon.profileEndpoint('conf-prefixed'), { outDir: join(out, 'prefixed') });
    console.log(`/servers/conformance/mcp passes ${viaServer.passed.length}: ${viaServer.passed.join(', ')}`);
    console.log(`/profiles/conf-plain/mcp passes ${viaProfile.passed.length}: ${viaProfile.passed.join(', ')}`);
    console.log(
      `/profiles/conf-prefixed/mcp passes ${prefixed.passed.length}; fails (by name): ${prefixed.failed.join(', ') || 'none'}`,
    );
    expect([...viaProfile.passed].sort()).toEqual([...viaServer.passed].sort());
    expect(viaProfile.failed).toEqual(viaServer.failed);
    for (const scenario of NAME_INDEPENDENT) expect(prefixed.passed, scenario).toContain(scenario);
  }, 900_000);
});
