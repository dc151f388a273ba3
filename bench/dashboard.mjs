// Issue 12: the dashboard. Time from `mcpctl dashboard --no-open` to the overview's first render in
// Chromium, and what 5 open dashboards following a busy server cost the daemon (RSS, CPU): on the
// server's page (log and events streams), then on the metrics page (charts reloaded every 5 s).
import { existsSync, readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium } from 'playwright-core';
import { cli, fmt, median, rssMb } from './lib.mjs';
import { SERVER, startDaemon } from './targets/mcpctl.mjs';

const CHROMIUM = process.env.MCPCTL_CHROMIUM ?? '/usr/bin/chromium';
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 5);
const PAGES = 5;
const LOAD_MS = Number(process.env.BENCH_DASHBOARD_LOAD_MS ?? 5000);
const GOAL = 'dashboard first render ≤ 1 s';

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** tools/call echo in a loop for `ms` through the gateway: a busy server and a busy event stream. */
async function busy(url, ms) {
  const client = new Client({ name: 'bench-dashboard-load', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  let calls = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await client.callTool({ name: 'echo', arguments: { message: `load ${calls}` } });
    calls++;
  }
  await transport.terminateSession().catch(() => undefined);
  await client.close();
  return calls;
}

async function measureLoad(daemon) {
  const cpu0 = cpuSeconds(daemon.pid);
  const calls = await busy(`${daemon.url}/servers/${SERVER}/mcp`, LOAD_MS);
  const used = cpuSeconds(daemon.pid) - cpu0;
  return { cpu: used / (LOAD_MS / 1000), perCall: (used * 1000) / Math.max(calls, 1), rss: rssMb(daemon.pid), calls };
}

export async function benchDashboard() {
  console.log(`\n## Dashboard (first render in Chromium, ${RUNS} runs; ${PAGES} dashboards following a busy server)`);
  if (!existsSync(CHROMIUM)) {
    console.log(`goal ${GOAL} : not measured (no ${CHROMIUM}) MISS`);
    return;
  }
  const daemon = await startDaemon();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = process.hrtime.bigint();
      const link = cli(daemon.home, ['dashboard', '--no-open']).stdout.trim();
      await page.goto(link);
      await page.locator('[data-state-count]').first().waitFor();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      await context.close();
    }
    const first = median(times);
    console.log(
      `dashboard → overview rendered: median ${fmt(first, 0)} ms (runs: ${times.map((t) => fmt(t, 0)).join(', ')})`,
    );

    const without = await measureLoad(daemon);
    const pages = [];
    for (let i = 0; i < PAGES; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(cli(daemon.home, ['dashboard', '--no-open']).stdout.trim());
      await page.locator('[data-state-count]').first().waitFor();
      await page.goto(`${new URL(page.url()).origin}/ui/#/servers/${SERVER}`);
      await page.getByRole('heading', { name: `Server ${SERVER}` }).waitFor();
      pages.push(context);
    }
    const withPages = await measureLoad(daemon);
    // The metrics page adds its charts' reload (the last hour of every server) every 5 s.
    for (const context of pages) {
      const [page] = context.pages();
      await page.goto(`${new URL(page.url()).origin}/ui/#/metrics`);
      await page.locator('[data-chart="calls"] canvas').waitFor();
    }
    const withMetrics = await measureLoad(daemon);
    console.log(
      `daemon under load without dashboards: ${fmt(without.rss)} MB RSS, ${fmt(without.cpu * 100, 0)} % CPU (${without.calls} calls, ${fmt(without.perCall, 2)} ms CPU a call)`,
    );
    console.log(
      `daemon under load with ${PAGES} dashboards: ${fmt(withPages.rss)} MB RSS (+${fmt(withPages.rss - without.rss)}), ` +
        `${fmt(withPages.cpu * 100, 0)} % CPU (${withPages.calls} calls, ${fmt(withPages.perCall, 2)} ms CPU a call)`,
    );
    console.log(
      `daemon under load with ${PAGES} dashboards on the metrics page: ${fmt(withMetrics.rss)} MB RSS (+${fmt(withMetrics.rss - without.rss)}), ` +
        `${fmt(withMetrics.cpu * 100, 0)} % CPU (${withMetrics.calls} calls, ${fmt(withMetrics.perCall, 2)} ms CPU a call)`,
    );
    console.log(`goal ${GOAL} : ${fmt(first, 0)} ms ${first <= 1000 ? 'MET' : 'MISS'}`);
    for (const context of pages) await context.close();
  } finally {
    await browser.close();
    await daemon.stop();
  }
}
