import { McpctlError } from '../../shared/errors.js';
import type { ControlApi } from '../api.js';

/**
 * Adds `servers` to profile `name` (created when missing), after its other members: `import
 * --profile`. Servers already members stay where they are.
 */
export async function addProfileMembers(api: ControlApi, name: string, servers: string[]): Promise<void> {
  let members: string[] | undefined;
  try {
    members = (await api.getProfile({ name })).members.map((member) => member.server);
  } catch (error) {
    if (!(error instanceof McpctlError && error.code === 'NOT_FOUND')) throw error;
  }
  if (members === undefined) {
    await api.createProfile({ name, servers });
    return;
  }
  const have = new Set(members);
  const added = servers.filter((server) => !have.has(server));
  if (added.length > 0) await api.updateProfile({ name, edit: { op: 'addMembers', servers: added } });
}
