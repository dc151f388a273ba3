import { McpctlError } from '../../shared/errors.js';
import type { ControlApi } from '../api.js';

/**
 * The profile calls import needs, as the profiles work names them (ControlApi `getProfile`,
 * `createProfile`, `updateProfile`, optionally `profileUrl`). Until they are part of the contract,
 * `--profile` says it is not available instead of importing halfway or writing an entry that cannot connect.
 */
interface ProfileCalls {
  getProfile(input: { name: string }): Promise<{ members?: Array<{ server: string }> } & Record<string, unknown>>;
  createProfile(input: { spec: { name: string; members: Array<{ server: string }> } }): Promise<unknown>;
  updateProfile(input: {
    spec: Record<string, unknown> & { name: string; members: Array<{ server: string }> };
  }): Promise<unknown>;
  /** The profile's gateway endpoint (Streamable HTTP), when the gateway side provides it. */
  profileUrl?(input: { name: string }): Promise<{ url: string }>;
}

export function profileCalls(api: ControlApi): ProfileCalls {
  const calls = api as unknown as Partial<ProfileCalls>;
  if (
    typeof calls.getProfile !== 'function' ||
    typeof calls.createProfile !== 'function' ||
    typeof calls.updateProfile !== 'function'
  ) {
    throw new McpctlError('INVALID_ARGUMENT', 'profiles are not available in this mcpctl yet', {
      hint: 'import without --profile, then add the servers to a profile once profiles exist',
    });
  }
  return calls as ProfileCalls;
}

/** Adds `servers` to profile `name` (created when missing), keeping its other members and settings. */
export async function addProfileMembers(calls: ProfileCalls, name: string, servers: string[]): Promise<void> {
  let current: Awaited<ReturnType<ProfileCalls['getProfile']>> | undefined;
  try {
    current = await calls.getProfile({ name });
  } catch (error) {
    if (!(error instanceof McpctlError && error.code === 'NOT_FOUND')) throw error;
  }
  if (!current) {
    await calls.createProfile({ spec: { name, members: servers.map((server) => ({ server })) } });
    return;
  }
  const members = current.members ?? [];
  const have = new Set(members.map((member) => member.server));
  const added = servers.filter((server) => !have.has(server)).map((server) => ({ server }));
  await calls.updateProfile({ spec: { ...current, name, members: [...members, ...added] } });
}
