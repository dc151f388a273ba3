import type { Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import type { Invocation } from '../../invocation.js';
import { renderResourceContents, renderResourcesTable } from '../../output/inspect.js';
import { splitTarget, type TargetFlags, withSession } from './target.js';

const METHOD_NOT_FOUND = -32601;

/** resources/list and resources/templates/list, every page; a server without resources has none (not an error). */
export async function listResources(inv: Invocation, server: string | undefined, flags: TargetFlags): Promise<void> {
  const { target } = splitTarget('resources', server === undefined ? [] : [server], flags, []);
  const listed = await withSession(inv, target, 'resources/list', async ({ client }) => {
    const resources: Resource[] = [];
    const resourceTemplates: ResourceTemplate[] = [];
    if (!client.getServerCapabilities()?.resources) return { resources, resourceTemplates };
    let cursor: string | undefined;
    do {
      const page = await client.listResources(cursor === undefined ? {} : { cursor });
      resources.push(...page.resources);
      cursor = page.nextCursor;
    } while (cursor);
    try {
      do {
        const page = await client.listResourceTemplates(cursor === undefined ? {} : { cursor });
        resourceTemplates.push(...page.resourceTemplates);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (error) {
      // Templates are optional: a server with resources may not know the method (JSON-RPC -32601).
      if ((error as { code?: unknown }).code !== METHOD_NOT_FOUND) throw error;
    }
    return { resources, resourceTemplates };
  });
  if (inv.out.machine) await inv.out.data(listed);
  else if (listed.resources.length + listed.resourceTemplates.length === 0)
    inv.out.note(`${target.name} has no resources`);
  else inv.out.out(renderResourcesTable(listed.resources, listed.resourceTemplates, inv.out.headers));
}

export async function readResource(inv: Invocation, words: readonly string[], flags: TargetFlags): Promise<void> {
  const { target, rest } = splitTarget('read', words, flags, ['URI']);
  const uri = rest[0] ?? '';
  const result = await withSession(inv, target, `resources/read '${uri}'`, ({ client }) =>
    client.readResource({ uri }),
  );
  if (inv.out.machine) await inv.out.data(result);
  else inv.out.out(renderResourceContents(result));
}
