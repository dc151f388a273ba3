import { emitKeypressEvents } from 'node:readline';
import type { MetricsSnapshot } from '../../../core/api.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { nextSort, renderTopFrame, SORT_KEYS, type Sort, type SortKey, type TopFrame } from '../../output/top.js';

const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 60_000;

function parseInterval(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new McpctlError('INVALID_ARGUMENT', `--interval must be a whole number of milliseconds, not '${text}'`, {
      hint: `give ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}, e.g. --interval 1000`,
    });
  }
  return ms;
}

/** CPU seconds of each server at an instant, for the next frame's percentages. */
interface CpuMark {
  at: number;
  seconds: Map<string, number>;
}

function cpuMark(snapshot: MetricsSnapshot, at: number): CpuMark {
  const seconds = new Map<string, number>();
  for (const server of snapshot.servers) if (server.cpuSeconds !== null) seconds.set(server.name, server.cpuSeconds);
  return { at, seconds };
}

function cpuPercent(previous: CpuMark | undefined, current: CpuMark): Map<string, number> {
  const percent = new Map<string, number>();
  if (previous === undefined || current.at <= previous.at) return percent;
  const wall = (current.at - previous.at) / 1000;
  for (const [name, seconds] of current.seconds) {
    const before = previous.seconds.get(name);
    if (before !== undefined) percent.set(name, Math.max(0, ((seconds - before) / wall) * 100));
  }
  return percent;
}

/**
 * `mcpctl top`: a full-screen view redrawn every interval on the alternate screen (log-update
 * draws, readline's keypress events read the keys); the terminal is given back as it was on q,
 * Ctrl-C, a signal or an error. Not on a terminal: one plain snapshot.
 */
export async function runTop(inv: Invocation, flags: { interval: string }): Promise<void> {
  const interval = parseInterval(flags.interval);
  const api = await inv.api();
  let sort: Sort = { key: 'n', descending: false };
  let mark: CpuMark | undefined;
  const sample = async (): Promise<TopFrame> => {
    const [snapshot, sessions] = await Promise.all([api.metrics({}), api.listSessions({})]);
    const current = cpuMark(snapshot, Date.now());
    const frame = { snapshot, sessions, cpuPercent: cpuPercent(mark, current), sort, time: new Date(current.at) };
    mark = current;
    return frame;
  };

  const stdin = process.stdin;
  if (!inv.ctx.stdoutIsTTY || !stdin.isTTY) {
    inv.out.out(renderTopFrame(await sample(), inv.out.color, false));
    return;
  }

  const [{ createLogUpdate }, ansi] = await Promise.all([import('log-update'), import('ansi-escapes')]);
  const stdout = process.stdout;
  stdout.write(ansi.enterAlternativeScreen);
  const draw = createLogUpdate(stdout);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    draw.done();
    stdout.write(`${ansi.cursorShow}${ansi.exitAlternativeScreen}`);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  };
  // Last resort: whatever ends the process, the terminal is not left in raw mode on the other screen.
  process.once('exit', restore);

  let last: TopFrame | undefined;
  const redraw = (): void => {
    if (last !== undefined && !restored) draw(renderTopFrame({ ...last, sort }, inv.out.color, true));
  };
  let quit: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void => {
    if (key?.ctrl === true && (key.name === 'c' || key.name === 'd')) quit();
    const pressed = (text ?? key?.name ?? '').toLowerCase();
    if (pressed === 'q' || key?.name === 'escape') quit();
    else if (pressed in SORT_KEYS) {
      sort = nextSort(sort, pressed as SortKey);
      redraw();
    }
  };
  const onResize = (): void => redraw();
  inv.ctx.signal.addEventListener('abort', () => quit(), { once: true });

  emitKeypressEvents(stdin);
  stdin.setRawMode(true);
  stdin.on('keypress', onKey);
  stdin.resume();
  stdout.on('resize', onResize);
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  const tick = async (): Promise<void> => {
    try {
      last = await sample();
      redraw();
      timer = setTimeout(() => void tick(), interval);
    } catch (error) {
      failure = error;
      quit();
    }
  };
  try {
    void tick();
    await finished;
  } finally {
    clearTimeout(timer);
    stdin.off('keypress', onKey);
    stdout.off('resize', onResize);
    restore();
    process.off('exit', restore);
  }
  if (failure !== undefined) throw failure;
}
