import type { ControlHandlers } from '../api.js';
import type { ProfileRegistry } from '../profiles/registry.js';
import type { Supervisor } from '../servers/supervisor.js';
import { applyDocument } from './declarativeApply.js';
import { exportDocument } from './declarativeExport.js';
import { createApplyTarget } from './declarativeTarget.js';

export interface DeclarativeHandlerDeps {
  supervisor: Supervisor;
  profiles: ProfileRegistry;
}

type DeclarativeHandlers = Pick<ControlHandlers, 'applyConfig' | 'exportConfig'>;

/** `apply -f` and `export`: one apply at a time, so two files never interleave their steps. */
export function createDeclarativeHandlers(deps: DeclarativeHandlerDeps): DeclarativeHandlers {
  const target = createApplyTarget({ supervisor: deps.supervisor, profiles: deps.profiles });
  let applying: Promise<unknown> = Promise.resolve();
  return {
    applyConfig({ document, prune, dryRun }) {
      // Inside the registry's queue too, so no CLI edit of a profile interleaves with the file's steps.
      const run = applying.then(() =>
        deps.profiles.exclusive(async () => {
          const outcome = await applyDocument(target, document, { prune, dryRun });
          return { ...outcome, error: outcome.error?.toPayload() ?? null };
        }),
      );
      applying = run.catch(() => undefined);
      return run;
    },
    async exportConfig({ profile }) {
      return { document: exportDocument(await target.current(), { profile }) };
    },
  };
}
