const SENSITIVE_NAME = /(auth|token|secret|password|passwd|api[-_]?key|cookie|credential|private)/i;
export const MASK = '********';

/**
 * Masks values whose names look like credentials, for views and logs. Values of
 * `${secret:NAME}` references are not secrets themselves and stay readable.
 */
export function maskSensitive(values: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    masked[name] = SENSITIVE_NAME.test(name) && !/^\$\{secret:[^}]+\}$/.test(value) ? MASK : value;
  }
  return masked;
}
