import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ROOT } from '../../../helpers/cli.js';

const SERVERS = {
  filesystem: 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
  everything: 'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
  memory: 'node_modules/@modelcontextprotocol/server-memory/dist/index.js',
} as const;
export type ReferenceServer = keyof typeof SERVERS;

/**
 * The real tools/list of server-filesystem, server-everything and server-memory, each tool named
 * `SERVER__NAME` as a profile of the three would list them (the default naming).
 */
export async function referenceTools(): Promise<Tool[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-search-'));
  try {
    const lists = await Promise.all(
      (Object.keys(SERVERS) as ReferenceServer[]).map(async (server) => {
        const args = [join(ROOT, SERVERS[server])];
        if (server === 'filesystem') args.push(dir);
        const transport = new StdioClientTransport({
          command: process.execPath,
          args,
          env: { ...process.env, MEMORY_FILE_PATH: join(dir, 'memory.jsonl') } as Record<string, string>,
          stderr: 'ignore',
        });
        const client = new Client({ name: 'mcpctl-test', version: '0.0.0' });
        await client.connect(transport);
        try {
          const { tools } = await client.listTools();
          return tools.map((tool) => ({ ...tool, name: `${server}__${tool.name}` }));
        } finally {
          await client.close();
        }
      }),
    );
    return lists.flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tools of one server in `tools`, by namespaced name. */
export function namesOf(tools: readonly { name: string }[], server: ReferenceServer): string[] {
  return tools.map((tool) => tool.name).filter((name) => name.startsWith(`${server}__`));
}
