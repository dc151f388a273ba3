import { McpctlError } from '../../src/shared/errors.js';

/** The McpctlError `run` throws; fails the test if it throws nothing or something else. */
export function failure(run: () => unknown): McpctlError {
  try {
    run();
  } catch (error) {
    if (error instanceof McpctlError) return error;
    throw error;
  }
  throw new Error('expected an McpctlError');
}
