import { parseNotifyTarget } from '../../../core/alerts/notifyTarget.js';
import { parseCondition } from '../../../core/alerts/ruleGrammar.js';
import { EXIT } from '../../../shared/exitCodes.js';
import type { Invocation } from '../../invocation.js';
import { renderAlertTable } from '../../output/alerts.js';
import { ReportedFailure } from '../../reported.js';

export interface AlertAddFlags {
  when: string;
  server?: string;
  notify: string[];
}

/** The rule and its notifiers are checked here first: a bad one exits 2 without contacting the daemon. */
export async function addAlert(inv: Invocation, name: string, flags: AlertAddFlags): Promise<void> {
  parseCondition(flags.when);
  const notify = flags.notify.length === 0 ? ['log'] : flags.notify;
  for (const target of notify) parseNotifyTarget(target);
  const api = await inv.api();
  const view = await api.addAlert({
    rule: { name, when: flags.when, notify, ...(flags.server === undefined ? {} : { server: flags.server }) },
  });
  if (inv.out.machine) return inv.out.data(view);
  inv.out.note(`alert ${view.name} added: ${view.when}${view.server === null ? '' : ` on ${view.server}`}`);
}

export async function listAlerts(inv: Invocation): Promise<void> {
  const views = await (await inv.api()).listAlerts({});
  if (inv.out.machine) return inv.out.data(views);
  if (views.length === 0)
    return inv.out.note("No alerts. Add one with: mcpctl alert add NAME --when 'restarts > 3 in 10m'");
  inv.out.out(renderAlertTable(views, { headers: inv.out.headers, palette: inv.out.color, now: Date.now() }));
}

export async function removeAlert(inv: Invocation, name: string): Promise<void> {
  const removed = await (await inv.api()).removeAlert({ name });
  if (inv.out.machine) return inv.out.data(removed);
  inv.out.note(`alert ${removed.name} removed`);
}

/** Exit 5 when a notifier could not be reached: a script can check its set-up with it. */
export async function testAlert(inv: Invocation, name: string): Promise<void> {
  const result = await (await inv.api()).testAlert({ name });
  if (inv.out.machine) await inv.out.data(result);
  else {
    for (const delivery of result.deliveries) {
      const outcome = delivery.ok
        ? inv.out.color.green(`delivered${delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ''}`)
        : delivery.attempts === 0
          ? inv.out.color.yellow(delivery.error ?? 'skipped')
          : inv.out.color.red(`failed after ${delivery.attempts} attempt(s): ${delivery.error}`);
      inv.out.out(`${delivery.target}  ${outcome}`);
    }
  }
  if (result.deliveries.some((delivery) => !delivery.ok)) throw new ReportedFailure(EXIT.server);
}
