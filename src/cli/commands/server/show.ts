import { setTimeout as delay } from 'node:timers/promises';
import type { ControlApi } from '../../../core/api.js';
import { parseDurationFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { renderServerDetail } from '../../output/serverDetail.js';

const DEFAULT_WATCH_MS = 2000;
/** Home, then clear the screen: the redraw does not scroll. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/** In watch mode each snapshot is one stream item (a JSON line or a YAML document). */
async function printOnce(inv: Invocation, api: ControlApi, name: string, watching: boolean): Promise<void> {
  const detail = await api.getServer({ name });
  if (inv.out.machine) return watching ? inv.out.item(detail) : inv.out.data(detail);
  inv.out.out(renderServerDetail(detail, inv.out.color));
}

/** `--watch` alone means every 2 s; `--watch 5s` sets the interval. */
export function watchInterval(watch: string | true | undefined): number | undefined {
  if (watch === undefined) return undefined;
  if (watch === true) return DEFAULT_WATCH_MS;
  return parseDurationFlag('--watch', watch, { min: 100 });
}

export async function showServer(inv: Invocation, name: string, flags: { watch?: string | true }): Promise<void> {
  const interval = watchInterval(flags.watch);
  const api = await inv.api();
  if (interval === undefined) return printOnce(inv, api, name, false);
  const { signal } = inv.ctx;
  const clear = inv.ctx.stdoutIsTTY && !inv.out.machine;
  for (let first = true; !signal.aborted; first = false) {
    if (clear) inv.ctx.stdout.write(CLEAR_SCREEN);
    else if (!first && !inv.out.machine) inv.ctx.stdout.write('\n');
    await printOnce(inv, api, name, true);
    try {
      await delay(interval, undefined, { signal });
    } catch {
      // Aborted by SIGINT/SIGTERM: the watch ends normally.
      return;
    }
  }
}
