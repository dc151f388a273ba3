import { spawn } from 'node:child_process';
import { findCommand } from '../../daemon/process/launchable.js';
import type { Logger } from '../../shared/logger.js';
import { describeTarget, type NotifyTarget } from './notifyTarget.js';

/** What a notifier receives: a webhook's JSON body, a command's stdin. */
export interface AlertNotice {
  alert: string;
  /** `test`: sent by `mcpctl alert test`. */
  status: 'firing' | 'resolved' | 'test';
  when: string;
  server: string | null;
  /** The servers the condition holds for (none once resolved). */
  servers: string[];
  message: string;
  time: string;
  /** When it started firing; null for a test. */
  since: string | null;
}

export interface Delivery {
  target: string;
  ok: boolean;
  attempts: number;
  error: string | null;
}

export interface NotifierOptions {
  logger: Logger;
  /** One webhook request or one command run is abandoned after this long. */
  timeoutMs: number;
  /** Webhook attempts at most, the delay between them doubling from `retryDelayMs`. */
  attempts: number;
  retryDelayMs: number;
  /** The platform's desktop notifier (`notify-send` on Linux, `osascript` on macOS), found on PATH. */
  platform?: NodeJS.Platform;
  /** The PATH the desktop notifier is looked for on (the daemon's own, by default). */
  path?: string;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

async function postOnce(url: string, notice: AlertNotice, timeoutMs: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'mcpctl-alerts' },
    body: JSON.stringify(notice),
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The body is not needed: read it away so the connection is released.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

/** Runs argv (no shell) with the notice as JSON on stdin; killed (its whole group) at the timeout. */
function runCommand(argv: readonly string[], input: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(new Error(`exited with ${signal ?? `code ${code}`}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`));
    });
  });
}

/** The platform's desktop notifier program. */
function desktopProgram(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'osascript' : 'notify-send';
}

/** Its arguments: a title naming the alert and its status, and the alert's message. */
function desktopArgs(notice: AlertNotice, platform: NodeJS.Platform): string[] {
  const title = `mcpctl: ${notice.alert} ${notice.status}`;
  if (platform === 'darwin') {
    const quoted = (text: string): string => JSON.stringify(text);
    return ['-e', `display notification ${quoted(notice.message)} with title ${quoted(title)}`];
  }
  return [title, notice.message];
}

/**
 * Delivers notices. A delivery never throws and never holds the caller up for more than its
 * timeouts (the engine does not even wait): failures are logged with the alert and the target.
 */
export class Notifier {
  /** Whether the missing desktop notifier was logged: once, not at every alert (a headless host never has one). */
  private toldNoDesktop = false;

  constructor(private readonly options: NotifierOptions) {}

  async deliver(target: NotifyTarget, notice: AlertNotice): Promise<Delivery> {
    const { logger, timeoutMs } = this.options;
    const name = describeTarget(target);
    const done = (ok: boolean, attempts: number, error: string | null): Delivery => {
      if (!ok) logger.error({ alert: notice.alert, notifier: name, attempts, err: error }, 'alert notification failed');
      return { target: name, ok, attempts, error };
    };
    try {
      switch (target.kind) {
        case 'log':
          logger.warn({ alert: notice.alert, status: notice.status, servers: notice.servers }, notice.message);
          return done(true, 1, null);
        case 'command':
          await runCommand(target.argv, `${JSON.stringify(notice)}\n`, timeoutMs);
          return done(true, 1, null);
        case 'desktop':
          return await this.desktop(notice, done);
        case 'webhook':
          return await this.postWithRetries(target.url, notice, done);
      }
    } catch (error) {
      return done(false, 1, (error as Error).message);
    }
  }

  /**
   * Looked up at each notice (installing it later needs no restart); when it is not on PATH the
   * notice is skipped: one log line the first time, none per alert, and `alert test` says why.
   */
  private async desktop(
    notice: AlertNotice,
    done: (ok: boolean, attempts: number, error: string | null) => Delivery,
  ): Promise<Delivery> {
    const platform = this.options.platform ?? process.platform;
    const program = desktopProgram(platform);
    const found = findCommand(program, { cwd: process.cwd(), path: this.options.path ?? process.env.PATH });
    if (found === undefined) {
      const why = `skipped: ${program} is not on the daemon's PATH`;
      if (!this.toldNoDesktop) {
        this.toldNoDesktop = true;
        this.options.logger.warn(
          { alert: notice.alert, notifier: 'desktop', program },
          `desktop notifications are skipped: ${program} is not on the daemon's PATH`,
        );
      }
      return { target: 'desktop', ok: false, attempts: 0, error: why };
    }
    this.toldNoDesktop = false;
    await runCommand([found, ...desktopArgs(notice, platform)], '', this.options.timeoutMs);
    return done(true, 1, null);
  }

  private async postWithRetries(
    url: string,
    notice: AlertNotice,
    done: (ok: boolean, attempts: number, error: string | null) => Delivery,
  ): Promise<Delivery> {
    const { attempts, retryDelayMs, timeoutMs, logger } = this.options;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await postOnce(url, notice, timeoutMs);
        return done(true, attempt, null);
      } catch (error) {
        last = (error as Error).message;
        if (attempt === attempts) break;
        logger.warn({ alert: notice.alert, url, attempt, err: last }, 'webhook delivery failed; retrying');
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
    return done(false, attempts, last);
  }
}
