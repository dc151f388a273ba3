import type { ControlMethod, ControlStream, MethodInput, MethodOutput, StreamInput, StreamItem } from '../core/api.js';

/** What the daemon says about the logged-in session. */
export interface SessionInfo {
  principal: { name: string; role: string; kind: string };
  csrf: string;
}

/** An error as the daemon sends it: the same code, message and hint the CLI prints. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

let csrf = '';
let onLoggedOut: () => void = () => {};

export function setSession(info: SessionInfo, loggedOut: () => void): void {
  csrf = info.csrf;
  onLoggedOut = loggedOut;
}

/** The session's CSRF token, for the requests that do not go through `call` (the gateway client's). */
export function csrfToken(): string {
  return csrf;
}

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; hint?: string } };
  const error = body.error ?? {};
  return new ApiError(res.status, error.code ?? 'INTERNAL', error.message ?? `HTTP ${res.status}`, error.hint);
}

/** One ControlApi method through the daemon's generic bridge, typed by core/api.ts. */
export async function call<M extends ControlMethod>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await fetch(`/ui/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mcpctl-csrf': csrf },
    body: JSON.stringify(input),
    credentials: 'same-origin',
  });
  if (res.status === 401) onLoggedOut();
  if (!res.ok) throw await failure(res);
  return (await res.json()) as MethodOutput<M>;
}

export async function currentSession(): Promise<SessionInfo | undefined> {
  const res = await fetch('/ui/session', { credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as SessionInfo) : undefined;
}

/** A one-time code from `mcpctl dashboard`'s link, or a token (viewer, operator or admin) typed on the login page. */
export async function login(credential: { code: string } | { token: string }): Promise<SessionInfo> {
  const res = await fetch('/ui/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credential),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as SessionInfo;
}

export async function logout(): Promise<void> {
  await fetch('/ui/logout', { method: 'POST', headers: { 'content-type': 'application/json', 'x-mcpctl-csrf': csrf } });
}

export interface Follow {
  close(): void;
}

/**
 * A ControlApi stream as server-sent events. EventSource retries a dropped connection by
 * itself; a refused one (logged out, daemon restarted) is retried here after a second.
 */
export function follow<S extends ControlStream>(
  stream: S,
  input: StreamInput<S>,
  handlers: { item(item: StreamItem<S>): void; state?(connected: boolean): void },
): Follow {
  let source: EventSource | undefined;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  // Doubles up to 30 s while the stream keeps being refused; an open connection resets it.
  let delay = 1000;
  const open = (): void => {
    source = new EventSource(`/ui/api/${stream}?input=${encodeURIComponent(JSON.stringify(input))}`);
    source.onopen = () => {
      delay = 1000;
      handlers.state?.(true);
    };
    source.onmessage = (event: MessageEvent<string>) => handlers.item(JSON.parse(event.data) as StreamItem<S>);
    source.onerror = () => {
      handlers.state?.(false);
      if (source?.readyState !== EventSource.CLOSED || closed) return;
      retry = setTimeout(async () => {
        if (closed) return;
        if ((await currentSession().catch(() => 'down')) === undefined) onLoggedOut();
        else open();
      }, delay);
      delay = Math.min(delay * 2, 30_000);
    };
  };
  open();
  return {
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      source?.close();
    },
  };
}
