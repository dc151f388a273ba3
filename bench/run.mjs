// `npm run bench`: prints the figures that the speed and memory goals are judged by.
// Run after `npm run build`. `npm run bench -- --only gateway` (or daemon, sessions, profiles, metrics, dashboard, security, cluster) runs one section.
import { existsSync } from 'node:fs';
import { benchCluster } from './cluster.mjs';
import { benchDaemon } from './daemon.mjs';
import { benchDashboard } from './dashboard.mjs';
import { benchGateway } from './gateway.mjs';
import { CLI } from './lib.mjs';
import { benchMetrics } from './metrics.mjs';
import { installInterruptHandlers } from './proc.mjs';
import { benchProfiles } from './profiles.mjs';
import { benchSecurity } from './security.mjs';
import { benchSessions } from './sessions.mjs';

const SECTIONS = {
  daemon: benchDaemon,
  gateway: benchGateway,
  sessions: benchSessions,
  profiles: benchProfiles,
  metrics: benchMetrics,
  dashboard: benchDashboard,
  security: benchSecurity,
  cluster: benchCluster,
};

function chosenSections(args) {
  const at = args.indexOf('--only');
  if (at === -1) return Object.keys(SECTIONS);
  const names = (args[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !(name in SECTIONS));
  if (names.length === 0 || unknown.length > 0) {
    console.error(
      `--only takes one or more of ${Object.keys(SECTIONS).join(', ')} (comma-separated), got '${args[at + 1] ?? ''}'`,
    );
    process.exit(2);
  }
  return names;
}

const sections = chosenSections(process.argv.slice(2));
if (!existsSync(CLI)) {
  console.error('dist/mcpctl.js is missing: run `npm run build` first');
  process.exit(1);
}
installInterruptHandlers();
console.log(`# mcpctl bench (node ${process.version}, ${new Date().toISOString()})`);
for (const name of sections) await SECTIONS[name]();
