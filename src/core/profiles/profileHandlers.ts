import type { Logger } from '../../shared/logger.js';
import type { ControlHandlers } from '../api.js';
import type { Supervisor } from '../servers/supervisor.js';
import type { ProfileCatalogs, ProfileCatalogView } from './catalog.js';
import type { ProfileMember } from './definition.js';
import { applyEdit, createdProfile } from './edits.js';
import { instanceKey } from './instanceIdentity.js';
import { assertMembersDefined, profilesUsing, serverInUse, withoutMember } from './membership.js';
import type { ProfileRegistry } from './registry.js';
import { type MemberServerState, toProfileView } from './views.js';

export interface ProfileHandlerDeps {
  profiles: ProfileRegistry;
  supervisor: Supervisor;
  logger: Logger;
  /** What each profile's endpoint serves now; absent while no gateway can say (`catalog: null`). */
  profileCatalogs?: ProfileCatalogs;
}

type ProfileHandlers = Pick<
  ControlHandlers,
  | 'createProfile'
  | 'listProfiles'
  | 'getProfile'
  | 'updateProfile'
  | 'removeProfile'
  | 'useProfile'
  | 'currentProfile'
  | 'removeServer'
>;

/** A catalog the gateway does not produce this fast is reported as not available, not waited for. */
const CATALOG_WAIT_MS = 5000;

/**
 * The control API of profiles. Every change runs in the registry's exclusive queue, so the check
 * that its members are defined servers and the write cannot interleave with a `server rm`.
 */
export function createProfileHandlers(deps: ProfileHandlerDeps): ProfileHandlers {
  const { profiles, supervisor } = deps;

  const stateOf = (member: ProfileMember): { instance: string; state: MemberServerState } => {
    const spec = supervisor.specOf(member.server);
    if (spec === undefined) return { instance: member.server, state: 'missing' };
    const instance = instanceKey(spec, member.env);
    return { instance, state: supervisor.instanceOf(instance)?.instance.state ?? 'missing' };
  };
  const isDefined = (server: string): boolean => supervisor.list().some((entry) => entry.spec.name === server);
  const view = (name: string) => toProfileView(profiles.entry(name), profiles.current(), stateOf);

  async function catalogOf(name: string): Promise<ProfileCatalogView | null> {
    const { profileCatalogs } = deps;
    if (!profileCatalogs) return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), CATALOG_WAIT_MS);
    });
    try {
      return (await Promise.race([profileCatalogs.catalog(name), late])) ?? null;
    } catch (error) {
      deps.logger.warn({ profile: name, err: (error as Error).message }, 'the gateway could not give a catalog');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    createProfile: (input) =>
      profiles.exclusive(async () => {
        const source = input.copyFrom === undefined ? undefined : profiles.entry(input.copyFrom).spec;
        const spec = createdProfile(input, source);
        assertMembersDefined(spec, isDefined);
        await profiles.create(spec);
        return view(spec.name);
      }),
    async listProfiles() {
      return profiles.list().map((entry) => toProfileView(entry, profiles.current(), stateOf));
    },
    async getProfile({ name }) {
      const profile = view(name);
      return { ...profile, catalog: await catalogOf(name) };
    },
    updateProfile: ({ name, edit }) =>
      profiles.exclusive(async () => {
        const spec = applyEdit(profiles.entry(name).spec, edit);
        // Only new members are checked: one whose server went by other means still shows as missing.
        if (edit.op === 'addMembers') {
          assertMembersDefined(
            { ...spec, members: spec.members.filter((m) => edit.servers.includes(m.server)) },
            isDefined,
          );
        }
        await profiles.put(spec);
        return view(name);
      }),
    removeProfile: ({ name }) =>
      profiles.exclusive(async () => {
        profiles.entry(name);
        await profiles.remove(name);
        return { name };
      }),
    useProfile: ({ name }) =>
      profiles.exclusive(async () => {
        await profiles.use(name);
        return { name };
      }),
    async currentProfile() {
      return { name: profiles.current() };
    },
    removeServer: ({ name, force }) =>
      profiles.exclusive(async () => {
        supervisor.get(name);
        const users = profilesUsing(
          profiles.list().map((entry) => entry.spec),
          name,
        );
        if (users.length > 0 && !force) throw serverInUse(name, users);
        // Profiles first: a crash between the two leaves a server no profile uses, never a profile of a missing server.
        if (users.length > 0)
          await profiles.putAll(users.map((user) => withoutMember(profiles.entry(user).spec, name)));
        await supervisor.remove(name);
        return { name, profiles: users };
      }),
  };
}
