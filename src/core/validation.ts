import type * as z from 'zod';
import { McpctlError } from '../shared/errors.js';

/**
 * Parses `value` with `schema` at an edge (CLI flags, control API body) and turns
 * zod's issues into one INVALID_ARGUMENT error that names each bad field.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  throw new McpctlError('INVALID_ARGUMENT', `invalid ${what}: ${problems.join('; ')}`, {
    hint: `run 'mcpctl --help' or 'mcpctl <command> --help' for the accepted values`,
  });
}
