import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarativeJsonSchema, JSON_SCHEMA_FILE } from '../../../../src/core/config/declarativeSchema.js';
import { ROOT } from '../../../helpers/cli.js';

describe('the committed JSON Schema', () => {
  it('is what the zod schemas generate today (run `npm run schema` after changing them)', () => {
    const committed: unknown = JSON.parse(readFileSync(join(ROOT, JSON_SCHEMA_FILE), 'utf8'));
    expect(committed).toEqual(declarativeJsonSchema());
  });

  it('describes servers and profiles with their own rules (a taste of what an editor checks)', () => {
    const schema = declarativeJsonSchema() as {
      required: string[];
      properties: { servers: { items: { oneOf: Array<{ properties: Record<string, unknown> }> } } };
      additionalProperties: boolean;
    };
    expect(schema.required).toEqual(['apiVersion']);
    expect(schema.additionalProperties).toBe(false);
    const [stdio] = schema.properties.servers.items.oneOf;
    expect(stdio?.properties.name).toEqual({ type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' });
  });
});
