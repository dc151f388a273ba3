// Issue 10: what security costs. The gateway through the remote listener (TLS + a bearer token,
// the client trusting the daemon's self-signed certificate) against the plain loopback gateway,
// rounds interleaved and ratios taken round by round; and `mcpctl ls` through a remote context
// (TLS, fingerprint pinned, token) against the local Unix socket.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewaySettings, measureAlternating } from './gateway.mjs';
import { cli, fmt, makeHome, median, quantile } from './lib.mjs';
import { freePort, onInterrupt } from './proc.mjs';
import { pairedRatio } from './report.mjs';
import { daemonTarget, SERVER, startDaemon } from './targets/mcpctl.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);

const plain = daemonTarget({ key: 'plain', label: 'mcpctl gateway, loopback HTTP' });

/** The listener's URL and certificate file, from `daemon status` of a daemon started with listen.address. */
function remoteOf(home) {
  const { remote } = JSON.parse(cli(home, ['daemon', 'status', '-o', 'json']).stdout);
  if (!remote?.certFile) throw new Error('the daemon reports no remote listener');
  return remote;
}

/** A daemon with `listen.address` on a free port and a token of `role`, created before it is relaunched. */
async function startListeningDaemon(role) {
  const port = await freePort();
  let token;
  const daemon = await startDaemon((home) => {
    cli(home, ['config', 'set', 'listen.address', `127.0.0.1:${port}`]);
    token = JSON.parse(cli(home, ['token', 'create', 'bench', '--role', role, '-o', 'json']).stdout).token;
  });
  return { daemon, token };
}

const tls = {
  key: 'tls',
  label: 'mcpctl gateway, TLS + bearer token',
  start: async () => {
    const { daemon, token } = await startListeningDaemon('client');
    try {
      const remote = remoteOf(daemon.home);
      return {
        target: {
          kind: 'http',
          url: `${remote.url}/servers/${SERVER}/mcp`,
          headers: { authorization: `Bearer ${token}` },
        },
        // Verification stays on: the measuring client trusts the daemon's own certificate.
        clientEnv: { NODE_EXTRA_CA_CERTS: remote.certFile },
        pid: daemon.pid,
        treeRoot: daemon.pid,
        t0: daemon.t0,
        stop: daemon.stop,
      };
    } catch (error) {
      await daemon.stop();
      throw error;
    }
  },
};

export async function benchSecurity() {
  const settings = { ...gatewaySettings(), rounds: env('BENCH_SEC_ROUNDS', 5) };
  const targets = [tls, plain];
  console.log(
    `\n## Cost of security (${settings.rounds} rounds interleaved; 1 session: ${settings.warmup} warm-up + ${settings.n} calls; ` +
      `${settings.sessions} sessions × ${settings.per} calls; echo of server-everything through the gateway)`,
  );
  const summary = await measureAlternating(targets, settings);
  const secure = summary.get('tls');
  const open = summary.get('plain');
  const goal = (name, unit, field, get, limit, atMost) => {
    const paired = pairedRatio(secure, open, get);
    const rounds = paired ? paired.ratios.map((r) => r.toFixed(2)).join(' ') : 'none';
    const pass = paired !== null && (atMost ? paired.median <= limit : paired.median >= limit);
    console.log(
      `goal ${name} : ${fmt(secure[field] ?? NaN, 0)}${unit} vs ${fmt(open[field] ?? NaN, 0)}${unit}; per round ${rounds}; ` +
        `median ratio ${paired ? `${paired.median.toFixed(2)}x` : 'n/a'} ${pass ? 'PASS' : 'MISS'}`,
    );
  };
  goal('TLS + token p50 ≤ 1.25x loopback p50', ' µs', 'seqP50', (r) => r.seq.p50, 1.25, true);
  goal('TLS + token 8-session calls/s ≥ 0.85x loopback', '/s', 'concCps', (r) => r.conc.callsPerS, 0.85, false);
  console.log(
    `goal TLS + token zero wrong answers (and no failed calls) : ${secure.wrong} wrong, ${secure.failed} failed of ${secure.calls} ` +
      `${secure.rounds > 0 && secure.wrong === 0 && secure.failed === 0 ? 'PASS' : 'MISS'}`,
  );
  await benchRemoteLs();
}

/** `mcpctl ls` from another home through a context (TLS, pinned fingerprint, admin token) vs on the daemon's own socket. */
async function benchRemoteLs() {
  const runsEach = env('BENCH_REMOTE_LS_RUNS', 30);
  const { daemon, token } = await startListeningDaemon('admin');
  const laptop = makeHome();
  const unregister = onInterrupt(() => rmSync(laptop, { recursive: true, force: true }));
  try {
    const remote = JSON.parse(cli(daemon.home, ['daemon', 'status', '-o', 'json']).stdout).remote;
    const tokenFile = join(laptop, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const noStart = { MCPCTL_NO_AUTOSTART: '1' };
    cli(
      laptop,
      ['context', 'add', 'team', '--url', remote.url, '--token-file', tokenFile, '--fingerprint', remote.fingerprint],
      {
        env: noStart,
      },
    );
    const local = () => cli(daemon.home, ['ls']).ms;
    const viaContext = () => cli(laptop, ['--context', 'team', 'ls'], { env: noStart }).ms;
    if (!/everything/.test(cli(laptop, ['--context', 'team', 'ls'], { env: noStart }).stdout)) {
      throw new Error('ls through the context does not list the server');
    }
    local(); // warm the page cache
    const times = { local: [], remote: [] };
    for (let i = 0; i < runsEach; i++) {
      times.local.push(local());
      times.remote.push(viaContext());
    }
    const [l, r] = [median(times.local), median(times.remote)];
    console.log(
      `mcpctl ls, remote context (TLS, pinned fingerprint, token) vs local socket: median ${fmt(r)} ms vs ${fmt(l)} ms ` +
        `(+${fmt(r - l)} ms, ${(r / l).toFixed(2)}x); p90 ${fmt(quantile(times.remote, 0.9))} vs ${fmt(quantile(times.local, 0.9))} ms over ${runsEach} runs each, interleaved`,
    );
  } finally {
    unregister();
    rmSync(laptop, { recursive: true, force: true });
    await daemon.stop();
  }
}
