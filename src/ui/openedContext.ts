/**
 * The CLI context the dashboard was opened for (`mcpctl --context NAME dashboard` puts it in the
 * login link, `local` for this machine's daemon): the tab remembers it past the login.
 */
const KEY = 'mcpctl-context';

export function rememberContext(name: string | undefined): void {
  if (name !== undefined && name !== '') sessionStorage.setItem(KEY, name);
}

export function openedContext(): string | null {
  return sessionStorage.getItem(KEY);
}
