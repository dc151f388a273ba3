import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * Just enough of the W3C WebDriver protocol (HTTP + JSON) to drive WebKitGTK's WebKitWebDriver:
 * Debian's WebKit has no Playwright build, and a client library would bring far more than the
 * dozen commands a smoke test needs. https://www.w3.org/TR/webdriver2/
 */

/** The key under which WebDriver names an element in JSON. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** WebDriver's code points for special keys. */
export const KEYS = { Tab: '\uE004', Enter: '\uE007' } as const;

export class WebDriverError extends Error {
  constructor(
    readonly command: string,
    readonly error: string,
    message: string,
  ) {
    super(`${command}: ${error}: ${message}`);
  }
}

export class WebDriverSession {
  private constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  static async start(base: string, capabilities: Record<string, unknown>): Promise<WebDriverSession> {
    const answer = await send<{ sessionId: string }>(base, 'POST', '/session', {
      capabilities: { alwaysMatch: capabilities },
    });
    return new WebDriverSession(base, answer.sessionId);
  }

  private command<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return send<T>(this.base, method, `/session/${this.id}${path}`, body);
  }

  async navigate(url: string): Promise<void> {
    await this.command('POST', '/url', { url });
  }

  currentUrl(): Promise<string> {
    return this.command('GET', '/url');
  }

  /** Runs `fn(arg)` in the page, awaiting a promise it returns (its source is sent: it must not close over anything). */
  execute<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T> {
    return this.command('POST', '/execute/sync', { script: `return (${fn.toString()})(arguments[0]);`, args: [arg] });
  }

  /** The ids of the elements a CSS selector matches, in document order. */
  async findAll(css: string): Promise<string[]> {
    const found = await this.command<Array<Record<string, string>>>('POST', '/elements', {
      using: 'css selector',
      value: css,
    });
    return found.map((element) => element[ELEMENT] as string);
  }

  async click(element: string): Promise<void> {
    await this.command('POST', `/element/${element}/click`, {});
  }

  async clear(element: string): Promise<void> {
    await this.command('POST', `/element/${element}/clear`, {});
  }

  async type(element: string, text: string): Promise<void> {
    await this.command('POST', `/element/${element}/value`, { text });
  }

  /** One key pressed and released, sent to whatever has the focus. */
  async press(key: string): Promise<void> {
    await this.command('POST', '/actions', {
      actions: [
        {
          type: 'key',
          id: 'keyboard',
          actions: [
            { type: 'keyDown', value: key },
            { type: 'keyUp', value: key },
          ],
        },
      ],
    });
  }

  async screenshot(): Promise<Buffer> {
    return Buffer.from(await this.command<string>('GET', '/screenshot'), 'base64');
  }

  async end(): Promise<void> {
    await this.command('DELETE', '');
  }
}

async function send<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await res.json()) as { value: T & { error?: string; message?: string } };
  const value = answer.value;
  if (!res.ok || (value !== null && typeof value === 'object' && 'error' in value && value.error !== undefined)) {
    throw new WebDriverError(`${method} ${path}`, value?.error ?? String(res.status), value?.message ?? '');
  }
  return value;
}

/** A port free right now (WebKitWebDriver takes a port, not 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A process the test started, and how to end it. */
export interface Started {
  process: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
}

/**
 * A virtual X display: WebKitGTK's MiniBrowser has no headless mode. `-displayfd` makes Xvfb
 * pick a free display number and write it once it accepts clients.
 */
export async function startXvfb(): Promise<Started & { display: string }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${errors.trim()}`)));
  });
  return { process: child, display, stop: stopper(child) };
}

/** WebKitWebDriver on a free port, ready for a new session. */
export async function startWebKitDriver(
  binary: string,
  display: string,
): Promise<Started & { url: string; session(): Promise<WebDriverSession> }> {
  const port = await freePort();
  const child = spawn(binary, [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DISPLAY: display },
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}): ${errors.trim()}`);
    const ready = await fetch(`${url}/status`).then(
      async (res) => ((await res.json()) as { value?: { ready?: boolean } }).value?.ready === true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on ${url}: ${errors.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    process: child,
    url,
    stop: stopper(child),
    session: () => WebDriverSession.start(url, { 'webkitgtk:browserOptions': { args: ['--automation'] } }),
  };
}
