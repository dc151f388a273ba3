import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from './api.js';

export function Page(props: { title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{props.title}</h1>
      {props.children}
    </section>
  );
}

export function StateBadge(props: { state: string }) {
  return <span class={`badge state-${props.state}`}>{props.state}</span>;
}

export function Failure(props: { message: string | undefined }) {
  return props.message ? (
    <p class="error" role="alert">
      {props.message}
    </p>
  ) : null;
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const refused = error.status === 403 ? 'Refused: ' : '';
    return `${refused}${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A button that runs an action, asks first when `confirm` is given, and reports a failure next to it. */
export function Action(props: {
  label: string;
  run: () => Promise<unknown>;
  confirm?: string;
  danger?: boolean;
  onError?: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class={props.danger ? 'danger' : ''}
      disabled={busy}
      onClick={async () => {
        if (props.confirm && !window.confirm(props.confirm)) return;
        setBusy(true);
        try {
          await props.run();
        } catch (error) {
          props.onError?.(describe(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      {props.label}
    </button>
  );
}
