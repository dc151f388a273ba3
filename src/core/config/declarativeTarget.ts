import type { ProfileRegistry } from '../profiles/registry.js';
import type { Supervisor } from '../servers/supervisor.js';
import type { ApplyTarget } from './declarativeApply.js';

export interface DeclarativeTargetDeps {
  supervisor: Supervisor;
  profiles: ProfileRegistry;
}

/** The daemon's ApplyTarget: servers through the supervisor (write first, then act), profiles through the registry. */
export function createApplyTarget(deps: DeclarativeTargetDeps): ApplyTarget {
  const { supervisor, profiles } = deps;
  return {
    async current() {
      return {
        servers: supervisor.list().map((entry) => entry.spec),
        profiles: profiles.list().map((entry) => entry.spec),
      };
    },
    async preflight(steps, document) {
      // What `server add` checks first (a launchable command, no private upstream) is checked here for
      // every new definition, so a missing binary in the third server fails the file before the first is touched.
      const launched = new Set(
        steps.filter((step) => step.action === 'create' || step.action === 'rollover').map((step) => step.name),
      );
      for (const spec of document.servers) {
        if (launched.has(spec.name)) await supervisor.assertStartable(spec);
      }
    },
    async addServer(spec) {
      // Answer once stored: each server's start is recorded as its state (`mcpctl ls`), one slow
      // server does not hold up the rest of the file.
      await supervisor.add(spec, { wait: false });
    },
    async updateServer(spec) {
      return { rolled: (await supervisor.update(spec)).rolled };
    },
    async removeServer(name) {
      await supervisor.remove(name);
    },
    async putProfile(spec) {
      await profiles.put(spec);
    },
    async removeProfile(name) {
      await profiles.remove(name);
    },
  };
}
