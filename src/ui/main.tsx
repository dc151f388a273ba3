import './localeGuard.js';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { EventItem } from '../core/api.js';
import { currentSession, follow, login, logout, type SessionInfo, setSession } from './api.js';
import { describe } from './components.js';
import { type Live, LiveContext } from './live.js';
import { rememberContext } from './openedContext.js';
import { Clients } from './pages/clients.js';
import { Alerts, Events } from './pages/events.js';
import { Metrics } from './pages/metrics.js';
import { Overview } from './pages/overview.js';
import { Profiles } from './pages/profiles.js';
import { ServerDetail } from './pages/serverDetail.js';
import { Servers } from './pages/servers.js';
import { Sessions } from './pages/sessions.js';
import './style.css';

const NAV = [
  ['#/', 'Overview'],
  ['#/servers', 'Servers'],
  ['#/sessions', 'Sessions'],
  ['#/profiles', 'Profiles'],
  ['#/clients', 'Clients'],
  ['#/events', 'Events'],
  ['#/alerts', 'Alerts'],
  ['#/metrics', 'Metrics'],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const onChange = (): void => setHash(location.hash || '#/');
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

type Auth = { state: 'checking' } | { state: 'out'; message?: string } | { state: 'in'; session: SessionInfo };

function App() {
  const hash = useHash();
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const loggedOut = (message = 'Your dashboard session ended. Run mcpctl dashboard for a new link.'): void =>
    setAuth({ state: 'out', message });

  // A link opened in a tab that already shows the dashboard changes only the hash: watch it too.
  const [, code, context] = /^#\/login\/([^?]+)(?:\?context=(.*))?$/.exec(hash) ?? [];
  useEffect(() => {
    const start = async (): Promise<void> => {
      if (code !== undefined) {
        // The code is spent at once and leaves the address bar (and the history).
        history.replaceState(null, '', '#/');
        rememberContext(context === undefined ? undefined : decodeURIComponent(context));
        try {
          const session = await login({ code: decodeURIComponent(code) });
          setSession(session, () => loggedOut());
          setAuth({ state: 'in', session });
        } catch (error) {
          setAuth({ state: 'out', message: describe(error) });
        }
        dispatchEvent(new HashChangeEvent('hashchange'));
        return;
      }
      if (auth.state !== 'checking') return;
      const session = await currentSession().catch(() => undefined);
      if (session) {
        setSession(session, () => loggedOut());
        setAuth({ state: 'in', session });
      } else setAuth({ state: 'out' });
    };
    void start();
  }, [code]);

  if (auth.state === 'checking') return <p class="center">Loading…</p>;
  if (auth.state === 'out') {
    const loggedIn = (session: SessionInfo): void => {
      setSession(session, () => loggedOut());
      setAuth({ state: 'in', session });
    };
    return <Login message={auth.message} onLogin={loggedIn} />;
  }
  return <Shell hash={hash} session={auth.session} onLogout={() => loggedOut('You logged out.')} />;
}

function Login(props: { message: string | undefined; onLogin(session: SessionInfo): void }) {
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const message = failure ?? props.message;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      props.onLogin(await login({ token }));
    } catch (error) {
      setFailure(describe(error));
    }
  };
  return (
    <main class="login" id="main">
      <h1>mcpctl dashboard</h1>
      {message && (
        <p class="error" role="alert" data-testid="login-message">
          {message}
        </p>
      )}
      <p>
        Run <code>mcpctl dashboard</code> (with <code>--context NAME</code> for a remote daemon): it opens (or prints) a
        one-time link that logs you in.
      </p>
      <form class="add" onSubmit={submit} aria-labelledby="token-title">
        <h2 id="token-title">Or log in with a token</h2>
        <div class="field">
          <label for="login-token">Token (viewer, operator or admin)</label>
          <input
            id="login-token"
            type="password"
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={token.trim() === ''}>
          Log in
        </button>
      </form>
    </main>
  );
}

function Shell(props: { hash: string; session: SessionInfo; onLogout(): void }) {
  const [events, setEvents] = useState<EventItem[]>([]);
  const [tick, setTick] = useState(0);
  const [connected, setConnected] = useState(true);
  useEffect(() => {
    const seen = new Set<number>();
    const following = follow(
      'followEvents',
      { limit: 100 },
      {
        item(event) {
          if (seen.has(event.id)) return;
          seen.add(event.id);
          setEvents((current) => [...current, event].slice(-500));
          setTick((n) => n + 1);
        },
        state(up) {
          setConnected(up);
          if (up) setTick((n) => n + 1);
        },
      },
    );
    return () => following.close();
  }, []);
  const live: Live = { role: props.session.principal.role, tick, events, connected };
  const route = props.hash.slice(1) || '/';
  const server = /^\/servers\/(.+)$/.exec(route)?.[1];
  const page =
    server !== undefined ? (
      <ServerDetail key={server} name={decodeURIComponent(server)} />
    ) : route === '/servers' ? (
      <Servers />
    ) : route === '/sessions' ? (
      <Sessions />
    ) : route === '/profiles' ? (
      <Profiles />
    ) : route === '/clients' ? (
      <Clients />
    ) : route === '/events' ? (
      <Events />
    ) : route === '/alerts' ? (
      <Alerts />
    ) : route === '/metrics' ? (
      <Metrics />
    ) : (
      <Overview />
    );
  return (
    <LiveContext.Provider value={live}>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header>
        <strong>mcpctl</strong>
        <nav aria-label="pages">
          {NAV.map(([href, label]) => (
            <a
              key={href}
              href={href}
              aria-current={
                props.hash === href || (href !== '#/' && props.hash.startsWith(`${href}/`)) ? 'page' : undefined
              }
            >
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {props.session.principal.name} ({props.session.principal.role})
        </span>
        <button type="button" onClick={() => void logout().then(() => props.onLogout())}>
          Log out
        </button>
      </header>
      {!connected && (
        <p class="banner" role="status">
          Connection to the daemon lost: reconnecting…
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </LiveContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
