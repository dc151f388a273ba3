import * as z from 'zod';
import { declarativeDocumentSchema } from './declarative.js';

/** Where the committed JSON Schema lives in the repository (scripts/schema.mjs writes it). */
export const JSON_SCHEMA_FILE = 'schema/mcpctl.schema.json';

/**
 * The JSON Schema of the declarative file, generated from the zod schemas the daemon validates with,
 * for editors (yaml-language-server, VS Code): what a file may hold before it is applied. Input side:
 * fields with a default are optional. Rules zod checks in code (a name defined twice, roots only for
 * shared servers) are not expressible here; `apply` still checks them.
 */
export function declarativeJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(declarativeDocumentSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...generated,
    title: 'mcpctl declarative configuration (mcpctl apply -f, mcpctl export)',
  };
}

/** The committed file's text: stable key order, two-space indent, a final newline. */
export function declarativeJsonSchemaText(): string {
  return `${JSON.stringify(declarativeJsonSchema(), null, 2)}\n`;
}
