import { describe, expect, it } from 'vitest';
import { buildArguments, checkArguments, type JsonSchema, typedValue } from '../../../../src/core/inspect/arguments.js';
import { McpctlError } from '../../../../src/shared/errors.js';

const context = { what: "tool 't'", hint: 'see the schema' };

function refusal(args: Record<string, unknown>, schema: JsonSchema): McpctlError {
  try {
    checkArguments(args, schema, context);
  } catch (error) {
    if (error instanceof McpctlError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('typedValue', () => {
  it.each([
    ['3', { type: 'number' }, 3],
    ['-2.5e3', { type: 'number' }, -2500],
    ['3', { type: 'integer' }, 3],
    ['3', { type: 'string' }, '3'],
    ['3', undefined, '3'],
    ['true', { type: 'boolean' }, true],
    ['false', { type: 'boolean' }, false],
    ['null', { type: ['integer', 'null'] }, null],
    ['7', { anyOf: [{ type: 'integer' }, { type: 'null' }] }, 7],
    ['2', { enum: [1, 2, 3] }, 2],
    ['[1,2]', { type: 'array' }, [1, 2]],
    ['{"a":1}', { type: 'object' }, { a: 1 }],
    ['three', { type: 'integer' }, 'three'],
    ['0x10', { type: 'number' }, '0x10'],
    ['', { type: 'number' }, ''],
  ] as Array<[string, JsonSchema | undefined, unknown]>)('%s with %j is %j', (text, schema, expected) => {
    expect(typedValue(text, schema)).toEqual(expected);
  });
});

describe('buildArguments', () => {
  it('keeps = in values, lets a word override the --json base, and refuses a word without =', () => {
    const schema: JsonSchema = { type: 'object', properties: { n: { type: 'integer' } } };
    expect(buildArguments(['q=a=b', 'n=2'], schema, { n: 1, x: true })).toEqual({ q: 'a=b', n: 2, x: true });
    expect(() => buildArguments(['=x'], schema)).toThrow("invalid argument '=x': expected KEY=VALUE");
  });
});

describe('checkArguments', () => {
  it('names each bad field, nested ones by their path', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 1 },
        mode: { enum: ['fast', 'slow'] },
        options: { type: 'object', properties: { depth: { type: 'integer' } }, required: ['depth'] },
      },
      required: ['n'],
      additionalProperties: false,
    };
    const error = refusal({ n: 0, mode: 'medium', options: {}, extra: 1 }, schema);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBe('see the schema');
    expect(error.message).toContain('n: must be >= 1, got 0');
    expect(error.message).toContain('mode: must be equal to one of the allowed values (fast, slow), got "medium"');
    expect(error.message).toContain('options.depth: is required');
    expect(error.message).toContain('extra: is not an argument of this tool');
  });

  it('uses draft-07 for a schema that names it, 2020-12 otherwise', () => {
    const draft7: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
    };
    expect(refusal({ pair: ['a', 'b'] }, draft7).message).toContain('pair.1: must be number');
    const draft2020: JsonSchema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } },
    };
    expect(refusal({ pair: ['a', 'b'] }, draft2020).message).toContain('pair.1: must be number');
  });

  it('a schema it cannot compile is reported and the call goes ahead', () => {
    const reasons: string[] = [];
    checkArguments({}, { type: 'object', $ref: '#/nowhere' }, { ...context, onUncheckable: (r) => reasons.push(r) });
    expect(reasons).toHaveLength(1);
  });
});
