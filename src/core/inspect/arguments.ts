import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { McpctlError } from '../../shared/errors.js';

/** A JSON Schema as a tool, prompt or resource template declares it: only the parts read here are typed. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $schema?: string;
  [keyword: string]: unknown;
}

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

/** The JSON types a property accepts, from `type`, `enum`/`const` and `anyOf`/`oneOf` (zod's optional/nullable). */
function acceptedTypes(schema: JsonSchema | undefined): Set<JsonType> {
  const types = new Set<JsonType>();
  if (!schema || typeof schema !== 'object') return types;
  const declared = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  for (const type of declared) types.add(type as JsonType);
  for (const value of [...(schema.enum ?? []), ...('const' in schema ? [schema.const] : [])]) {
    types.add(value === null ? 'null' : typeof value === 'number' ? 'number' : (typeof value as JsonType));
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    for (const type of acceptedTypes(branch)) types.add(type);
  }
  return types;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * One `KEY=VALUE` value typed by what the schema says the property is: `n=3` is the number 3 when
 * the property is a number, the string "3" when it is a string. A value that fits none of the
 * accepted types stays a string, so the schema check names the property and the type it wanted.
 */
export function typedValue(text: string, schema: JsonSchema | undefined): unknown {
  const types = acceptedTypes(schema);
  if (types.size === 0 || (types.size === 1 && types.has('string'))) return text;
  if ((types.has('number') || types.has('integer')) && NUMBER.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.has('null') && text === 'null') return null;
  if (types.has('object') || types.has('array')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) return parsed;
    } catch {
      // not JSON: left a string, which the schema check reports
    }
  }
  return text;
}

/** `KEY=VALUE` words (the value may hold `=` or be empty), typed by the schema's properties, over a `--json` base. */
export function buildArguments(
  pairs: readonly string[],
  schema: JsonSchema | undefined,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const args: Record<string, unknown> = { ...base };
  for (const pair of pairs) {
    const index = pair.indexOf('=');
    if (index <= 0) {
      throw new McpctlError('INVALID_ARGUMENT', `invalid argument '${pair}': expected KEY=VALUE`, {
        hint: "write each argument as KEY=VALUE (e.g. message=hi), or pass them all with --json '{...}'",
      });
    }
    const key = pair.slice(0, index);
    args[key] = typedValue(pair.slice(index + 1), schema?.properties?.[key]);
  }
  return args;
}

/** ajv-formats is CommonJS: its function is the default export in Node and the module itself in the bundle. */
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv | Ajv2020,
) => void;

let validators: { draft7: Ajv; draft2020: Ajv2020 } | undefined;

/** MCP's default dialect is JSON Schema 2020-12; a schema that names draft-04/06/07 gets ajv's draft-07 mode. */
function validatorFor(schema: JsonSchema): Ajv | Ajv2020 {
  if (!validators) {
    // strict off: tools' schemas carry keywords of their own, which must not stop a call.
    // verbose: each error carries the value it refused, which the message then shows. No check of
    // the schema against its meta-schema: compiling 2020-12's took 300 ms of a 1 s `mcpctl call`.
    const options = { strict: false, allErrors: true, verbose: true, validateSchema: false, logger: false } as const;
    validators = { draft7: new Ajv(options), draft2020: new Ajv2020(options) };
    addFormats(validators.draft7);
    addFormats(validators.draft2020);
  }
  return typeof schema.$schema === 'string' && /draft-0[4-7]/.test(schema.$schema)
    ? validators.draft7
    : validators.draft2020;
}

function describeIssue(issue: ErrorObject): string {
  const path = issue.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
  const params = issue.params as Record<string, unknown>;
  if (issue.keyword === 'required') return `${[path, params.missingProperty].filter(Boolean).join('.')}: is required`;
  if (issue.keyword === 'additionalProperties') {
    return `${[path, params.additionalProperty].filter(Boolean).join('.')}: is not an argument of this tool`;
  }
  const allowed = issue.keyword === 'enum' ? ` (${(params.allowedValues as unknown[]).map(String).join(', ')})` : '';
  const got = issue.data === undefined || typeof issue.data === 'object' ? '' : `, got ${JSON.stringify(issue.data)}`;
  return `${path || '(arguments)'}: ${issue.message ?? 'is invalid'}${allowed}${got}`;
}

/**
 * Checks arguments against a tool's (or prompt's) input schema before anything is sent: a
 * message that names each bad field, exit 2. A schema ajv cannot compile is no reason to refuse
 * a call: the server is the judge then, and `onUncheckable` says so.
 */
export function checkArguments(
  args: Record<string, unknown>,
  schema: JsonSchema | undefined,
  context: { what: string; hint: string; onUncheckable?: (reason: string) => void },
): void {
  if (!schema || typeof schema !== 'object') return;
  let validate: ValidateFunction;
  try {
    validate = validatorFor(schema).compile(schema);
  } catch (error) {
    context.onUncheckable?.(error instanceof Error ? error.message : String(error));
    return;
  }
  if (validate(args)) return;
  const issues = [...new Set((validate.errors ?? []).map(describeIssue))];
  throw new McpctlError('INVALID_ARGUMENT', `invalid arguments for ${context.what}: ${issues.join('; ')}`, {
    hint: context.hint,
  });
}

/** What the SDK's Client takes as `jsonSchemaValidator` (its jsonSchemaValidator provider type). */
export interface SchemaValidatorProvider {
  getValidator<T>(
    schema: unknown,
  ): (
    input: unknown,
  ) => { valid: true; data: T; errorMessage: undefined } | { valid: false; data: undefined; errorMessage: string };
}

/**
 * For the SDK's check of structured output: compiled on first use, not on tools/list (the SDK's
 * default compiles every tool's output schema up front, 100 ms of a `mcpctl call` that uses one),
 * with the dialect chosen as for arguments.
 */
export function lazySchemaValidator(): SchemaValidatorProvider {
  return {
    getValidator<T>(schema: unknown) {
      let validate: ValidateFunction | undefined;
      return (input: unknown) => {
        const ajv = validatorFor(schema as JsonSchema);
        validate ??= ajv.compile(schema as JsonSchema);
        if (validate(input)) return { valid: true as const, data: input as T, errorMessage: undefined };
        return { valid: false as const, data: undefined, errorMessage: ajv.errorsText(validate.errors) };
      };
    },
  };
}
