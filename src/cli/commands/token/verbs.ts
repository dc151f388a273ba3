import type { TokenView } from '../../../core/api.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Role } from '../../../shared/principal.js';
import { parseChoice, parseDurationFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';

const ROLES: readonly Role[] = ['admin', 'operator', 'viewer', 'client'];

/** `server:a,profile:b` (repeatable) as the API's scope; undefined when none is given. */
export function parseScope(values: string[]): { servers: string[]; profiles: string[] } | undefined {
  if (values.length === 0) return undefined;
  const scope = { servers: [] as string[], profiles: [] as string[] };
  for (const item of values.flatMap((value) => value.split(','))) {
    const [kind, name, extra] = item.trim().split(':');
    if ((kind !== 'server' && kind !== 'profile') || name === undefined || name === '' || extra !== undefined) {
      throw new McpctlError('INVALID_ARGUMENT', `--scope: '${item}' is not server:NAME or profile:NAME`, {
        hint: 'e.g. --scope server:github,profile:dev',
      });
    }
    (kind === 'server' ? scope.servers : scope.profiles).push(name);
  }
  return scope;
}

export async function createToken(
  inv: Invocation,
  name: string,
  flags: { role: string; scope: string[]; expires?: string; readOnly?: true },
): Promise<void> {
  const role = parseChoice('--role', flags.role, ROLES);
  const scope = parseScope(flags.scope);
  const expiresInMs =
    flags.expires === undefined ? undefined : parseDurationFlag('--expires', flags.expires, { min: 1000 });
  const api = await inv.api();
  const created = await api.createToken({
    name,
    role,
    ...(scope === undefined ? {} : { scope }),
    ...(expiresInMs === undefined ? {} : { expiresInMs }),
    readOnly: flags.readOnly === true,
  });
  if (inv.out.machine) return inv.out.data(created);
  inv.out.out(created.token);
  inv.out.note(`token '${created.name}' (${created.role}) created: store it now, it is not shown again`);
}

function scopeText(scope: TokenView['scope']): string {
  if (scope === null) return '*';
  return [...scope.servers.map((s) => `server:${s}`), ...scope.profiles.map((p) => `profile:${p}`)].join(',');
}

export async function listTokens(inv: Invocation): Promise<void> {
  const api = await inv.api();
  const tokens = await api.listTokens({});
  if (inv.out.machine) return inv.out.data(tokens);
  if (tokens.length === 0) return inv.out.note('No tokens. Create one with: mcpctl token create NAME --role viewer');
  const rows = tokens.map((t) => [
    t.name,
    t.readOnly ? `${t.role} (read-only)` : t.role,
    scopeText(t.scope),
    t.createdAt,
    t.expiresAt ?? 'never',
    t.lastUsedAt ?? '-',
  ]);
  inv.out.out(
    renderTable(['NAME', 'ROLE', 'SCOPE', 'CREATED', 'EXPIRES', 'LAST-USED'], rows, { headers: inv.out.headers }),
  );
}

export async function revokeToken(inv: Invocation, name: string): Promise<void> {
  const api = await inv.api();
  const result = await api.revokeToken({ name });
  if (inv.out.machine) return inv.out.data(result);
  inv.out.out(`revoked token ${result.name}`);
}
