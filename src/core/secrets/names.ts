import * as z from 'zod';

/** Env-variable-like names (GITHUB_TOKEN, github.token, gh-pat): they sit inside `${secret:NAME}`. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

export const secretNameSchema = z
  .string()
  .regex(
    SECRET_NAME_PATTERN,
    'a secret name is 1-128 characters of A-Z, a-z, 0-9, "_", ".", "-", starting with a letter or "_"',
  );

/** The largest value a secret holds (a PEM bundle fits; a file does not belong in a secret). */
export const MAX_SECRET_BYTES = 64 * 1024;
