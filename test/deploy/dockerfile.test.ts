import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { envOf, lastOf, parseDockerfile, runCommands, type Stage } from './helpers/dockerfile.js';
import { mcpctlReads } from './helpers/mcpctlEnv.js';

/**
 * deploy/Dockerfile without a container engine: its build stage runs the commands CI runs, its
 * runtime stage runs `mcpctl daemon run` in the foreground as a user that is not root, with the
 * health check deploy/healthcheck.mjs (test/deploy/health.test.ts runs it against a real daemon).
 */
const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8'));
const build = dockerfile.stages.find((stage) => stage.name === 'build') as Stage;
const runtime = dockerfile.stages.at(-1) as Stage;
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

const isTest = (command: string): boolean => command === 'npm test' || command.startsWith('npm run test');
/** .ci/run's npm commands that install and build (not the test runs), in order. */
function ciBuildCommands(): string[] {
  return readFileSync(join(ROOT, '.ci/run'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('#'))
    .flatMap((line) => line.split('&&').map((command) => command.trim().replace(/\s+/g, ' ')))
    .filter((command) => command.startsWith('npm ') && !isTest(command));
}

describe('deploy/Dockerfile', () => {
  it('is two stages: a build stage and a runtime stage copying from it', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    // Node 20, as package.json's engines and CI; the runtime's glibc is the build's (native addons).
    expect(build.image).toBe('node:20-bookworm');
    expect(runtime.image).toBe('node:20-bookworm-slim');
  });

  it("builds with exactly .ci/run's install and build commands, then keeps production dependencies only", () => {
    const ci = ciBuildCommands();
    expect(ci).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
    const npm = runCommands(build).filter((command) => command.startsWith('npm '));
    expect(npm).toEqual([...ci, 'npm prune --omit=dev --no-audit --no-fund']);
    for (const command of npm) {
      const script = /^npm run (\S+)/.exec(command)?.[1];
      if (script !== undefined) expect(scripts, command).toHaveProperty(script);
    }
    // The runtime stage installs nothing from npm: it copies what the build stage pruned.
    expect(runCommands(runtime).filter((command) => command.startsWith('npm '))).toEqual([]);
    const copied = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => `${i.flags.from} ${i.text}`);
    expect(copied).toEqual(
      expect.arrayContaining(['build /src/node_modules ./node_modules', 'build /src/dist ./dist']),
    );
  });

  it('runs as a user that is not root, created with that uid in the runtime stage', () => {
    const user = lastOf(runtime, 'USER')?.text ?? 'root';
    const [uid = '', gid = ''] = user.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
    const useradd =
      runCommands(runtime)
        .find((command) => command.startsWith('useradd '))
        ?.split(' ') ?? [];
    expect(useradd[useradd.indexOf('--uid') + 1]).toBe(uid);
    // The home it writes to is that user's.
    expect(useradd[useradd.indexOf('--home-dir') + 1]).toBe(envOf(runtime).MCPCTL_HOME);
  });

  it('runs `mcpctl daemon run` in the foreground under tini, its health check a file the image holds', () => {
    const entrypoint = lastOf(runtime, 'ENTRYPOINT')?.exec ?? [];
    const cmd = lastOf(runtime, 'CMD')?.exec ?? [];
    expect([...entrypoint, ...cmd]).toEqual(['/usr/bin/tini', '--', 'mcpctl', 'daemon', 'run']);
    expect(runCommands(runtime)).toContain('ln -s /app/dist/mcpctl.js /usr/local/bin/mcpctl');
    const health = lastOf(runtime, 'HEALTHCHECK');
    expect(health?.exec).toEqual(['node', '/app/deploy/healthcheck.mjs']);
    expect(health?.flags).toMatchObject({ interval: '10s', timeout: '3s' });
    expect(runtime.instructions).toContainEqual(
      expect.objectContaining({ keyword: 'COPY', text: '/src/deploy/healthcheck.mjs ./deploy/healthcheck.mjs' }),
    );
    expect(existsSync(join(ROOT, 'deploy/healthcheck.mjs'))).toBe(true);
  });

  it('sets only variables mcpctl reads, listening where EXPOSE says', () => {
    const env = envOf(runtime);
    const reads = mcpctlReads();
    for (const name of Object.keys(env).filter((key) => key.startsWith('MCPCTL_'))) {
      expect(reads.has(name), name).toBe(true);
    }
    const port = env.MCPCTL_LISTEN?.split(':').at(-1);
    expect(lastOf(runtime, 'EXPOSE')?.text).toBe(port);
  });

  it('.dockerignore keeps what this machine built or installed out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', '**/node_modules', 'dist', 'tools']));
    // What the build needs is not ignored.
    for (const needed of ['package.json', 'package-lock.json', 'src', 'scripts', 'deploy/healthcheck.mjs']) {
      expect(ignored, needed).not.toContain(needed);
      expect(existsSync(join(ROOT, needed)), needed).toBe(true);
    }
  });
});
