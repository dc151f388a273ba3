import * as z from 'zod';
import { type ProfileSpec, profileSpecSchema } from '../profiles/definition.js';
import { type ServerSpec, serverSpecSchema } from '../servers/definition.js';

/**
 * The declarative file `apply -f` reads and `export` writes: servers and profiles as lists of the very
 * definitions `server add` and the profile commands store (no second schema), each keyed by its `name`,
 * so a file reads top to bottom like `server ls` and diffs well in git.
 */
export const DECLARATIVE_API_VERSION = 'mcpctl/v1';

/** Each name at most once in its list: the issue points at the second entry's `name`. */
function uniqueNames(what: string) {
  return (entries: Array<{ name: string }>, ctx: z.core.$RefinementCtx<Array<{ name: string }>>): void => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.name)) {
        ctx.addIssue({ code: 'custom', message: `${what} '${entry.name}' is defined twice`, path: [index, 'name'] });
      }
      seen.add(entry.name);
    });
  };
}

export const declarativeDocumentSchema = z
  .object({
    apiVersion: z.literal(DECLARATIVE_API_VERSION, { error: `expected apiVersion: ${DECLARATIVE_API_VERSION}` }),
    servers: z.array(serverSpecSchema).max(1000).default([]).superRefine(uniqueNames('server')),
    profiles: z.array(profileSpecSchema).max(1000).default([]).superRefine(uniqueNames('profile')),
  })
  .strict();

export type DeclarativeDocument = z.output<typeof declarativeDocumentSchema>;
export type DeclarativeDocumentInput = z.input<typeof declarativeDocumentSchema>;

/** A problem at a place in the document (zod's path: keys and list indexes). */
export interface DocumentProblem {
  path: Array<string | number>;
  message: string;
  /** Point at the key itself (an unknown field), not at its value. */
  onKey?: boolean;
}

/**
 * Cross-references zod cannot see: every profile member must be a server of the file or, unless
 * `prune` removes what the file does not name, one already defined.
 */
export function checkReferences(
  document: { servers: ServerSpec[]; profiles: ProfileSpec[] },
  existingServers: Iterable<string>,
  options: { prune: boolean },
): DocumentProblem[] {
  const known = new Set(document.servers.map((server) => server.name));
  const existing = new Set(existingServers);
  const problems: DocumentProblem[] = [];
  document.profiles.forEach((profile, index) => {
    profile.members.forEach((member, at) => {
      if (known.has(member.server) || (existing.has(member.server) && !options.prune)) return;
      const message = existing.has(member.server)
        ? `server '${member.server}' is not in the file, and --prune would remove it`
        : `no server named '${member.server}' in the file or defined`;
      problems.push({ path: ['profiles', index, 'members', at, 'server'], message });
    });
  });
  return problems;
}

/** `servers[1].env.A`: a path as a user reads it. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}
