const SENSITIVE_NAME = /(auth|token|secret|password|passwd|api[-_]?key|cookie|credential|private)/i;
const SECRET_REFERENCES = /\$\{secret:[^}]+\}/g;
/** What may stand beside references in a value that is shown: an auth scheme (`Bearer ${secret:X}`). */
const SCHEME_ONLY = /^(bearer|basic|token|bot)?$/i;
export const MASK = '********';

/**
 * Masks values whose names look like credentials, for views and logs. `${secret:NAME}` references
 * are not secrets themselves: a value made only of references (and an auth scheme) stays readable.
 */
export function maskSensitive(values: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    masked[name] = SENSITIVE_NAME.test(name) && !onlyReferences(value) ? MASK : value;
  }
  return masked;
}

function onlyReferences(value: string): boolean {
  const rest = value.replace(SECRET_REFERENCES, '');
  return rest !== value && SCHEME_ONLY.test(rest.trim());
}
