import { existsSync } from 'node:fs';
import { unlinkQuietly, writeFileAtomic } from '../daemon/service/files.js';
import { type CommandResult, runCommand } from '../daemon/service/runCommand.js';
import {
  LAUNCHD_LABEL,
  launchdPlistPath,
  renderLaunchdPlist,
  renderSystemdUnit,
  SYSTEMD_UNIT_NAME,
  systemdUnitPath,
  type UnitSpec,
} from '../daemon/service/units.js';
import { McpctlError } from '../shared/errors.js';
import { resolvePaths } from '../shared/paths.js';
import { daemonRunCommand, daemonStdioFile, type SelfCommand } from './daemonLifecycle.js';

export interface ServiceOptions {
  platform: NodeJS.Platform;
  /** Only compute: write nothing, run nothing. */
  dryRun: boolean;
  self: SelfCommand;
  env: NodeJS.ProcessEnv;
}

/** Uninstalling needs no command line. */
export type UninstallOptions = Omit<ServiceOptions, 'self'> & { self?: SelfCommand };

export interface ServiceResult {
  path: string;
  /** The daemon command line the unit runs (empty for uninstall). */
  command: string[];
  /** The unit file (empty for uninstall). */
  content: string;
  /** The service-manager commands, in order (run unless dryRun). */
  commands: string[][];
  applied: boolean;
}

/** A command whose failure does not matter (unloading what may not be loaded). */
interface Step {
  argv: string[];
  mayFail?: boolean;
}

interface Plan {
  manager: 'systemd' | 'launchd';
  path: string;
  render: (spec: UnitSpec) => string;
  install: Step[];
  /** Run before the file is removed, then `afterRemove`. */
  uninstall: Step[];
  afterRemove: Step[];
}

/**
 * The daemon must resolve the same paths as the CLI that installed it, and find the
 * commands servers run (npx, uvx): service managers start it with a bare environment.
 */
const CARRIED_ENV = ['MCPCTL_HOME', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR', 'PATH'] as const;

/** Writes the user service (systemd unit or launchd agent) that runs `daemon run`, then enables and starts it. */
export async function installService(options: ServiceOptions): Promise<ServiceResult> {
  const plan = planService(options.platform, options.env);
  const spec = unitSpec(options.self, options.env);
  const content = plan.render(spec);
  const result = { path: plan.path, command: spec.command, content, commands: plan.install.map((step) => step.argv) };
  if (options.dryRun) return { ...result, applied: false };
  writeFileAtomic(plan.path, content, 0o644);
  await runSteps(plan.install, options.env, (step, outcome) => {
    const hint =
      plan.manager === 'systemd'
        ? `the unit file stays in place: run '${step.argv.join(' ')}' once a user systemd session is available (on a server: 'loginctl enable-linger $USER'), or use 'mcpctl daemon start'; 'mcpctl daemon uninstall' removes the file`
        : `the agent file stays in place: run '${step.argv.join(' ')}' from a logged-in session, or use 'mcpctl daemon start'; 'mcpctl daemon uninstall' removes the file`;
    return new McpctlError(
      'INTERNAL',
      `wrote ${plan.path}, but '${step.argv.join(' ')}' ${describe(outcome, plan.manager)}`,
      {
        hint,
      },
    );
  });
  return { ...result, applied: true };
}

/** Stops and disables the service, then removes its file. */
export async function uninstallService(options: UninstallOptions): Promise<ServiceResult> {
  const plan = planService(options.platform, options.env);
  const steps = [...plan.uninstall, ...plan.afterRemove];
  const result = { path: plan.path, command: [], content: '', commands: steps.map((step) => step.argv) };
  if (options.dryRun) return { ...result, applied: false };
  const fail = (step: Step, outcome: CommandResult): McpctlError =>
    new McpctlError('INTERNAL', `'${step.argv.join(' ')}' ${describe(outcome, plan.manager)}`, {
      hint: `${existsSync(plan.path) ? `${plan.path} is still there` : `${plan.path} is removed`}; run the command yourself once the service manager answers`,
    });
  await runSteps(plan.uninstall, options.env, fail);
  unlinkQuietly(plan.path);
  await runSteps(plan.afterRemove, options.env, fail);
  return { ...result, applied: true };
}

function unitSpec(self: SelfCommand, env: NodeJS.ProcessEnv): UnitSpec {
  const environment: Record<string, string> = {};
  for (const key of CARRIED_ENV) {
    const value = env[key];
    if (value) environment[key] = value;
  }
  return {
    command: daemonRunCommand(self),
    environment,
    logFile: daemonStdioFile(resolvePaths(env)),
  };
}

function planService(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Plan {
  if (platform === 'linux') {
    const user = ['systemctl', '--user'];
    return {
      manager: 'systemd',
      path: systemdUnitPath(env),
      render: renderSystemdUnit,
      install: [{ argv: [...user, 'daemon-reload'] }, { argv: [...user, 'enable', '--now', SYSTEMD_UNIT_NAME] }],
      uninstall: [{ argv: [...user, 'disable', '--now', SYSTEMD_UNIT_NAME], mayFail: true }],
      afterRemove: [{ argv: [...user, 'daemon-reload'] }],
    };
  }
  if (platform === 'darwin') {
    const path = launchdPlistPath(env);
    const domain = `gui/${process.getuid?.() ?? 0}`;
    // bootstrap refuses an agent that is already loaded: unload first (a no-op the first time).
    const bootout: Step = { argv: ['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`], mayFail: true };
    return {
      manager: 'launchd',
      path,
      render: renderLaunchdPlist,
      install: [bootout, { argv: ['launchctl', 'bootstrap', domain, path] }],
      uninstall: [bootout],
      afterRemove: [],
    };
  }
  throw new McpctlError(
    'INVALID_ARGUMENT',
    `installing the daemon as a service works on Linux (systemd) and macOS (launchd), not on ${platform}`,
    {
      hint: "run 'mcpctl daemon start' instead, or have your own service manager run 'mcpctl daemon run'",
    },
  );
}

async function runSteps(
  steps: Step[],
  env: NodeJS.ProcessEnv,
  fail: (step: Step, outcome: CommandResult) => McpctlError,
): Promise<void> {
  for (const step of steps) {
    const outcome = await runCommand(step.argv, env);
    if (outcome.code !== 0 && !step.mayFail) throw fail(step, outcome);
  }
}

function describe(outcome: CommandResult, manager: Plan['manager']): string {
  if (outcome.startError === 'ENOENT') {
    return `could not run: command not found (is ${manager} this system's service manager?)`;
  }
  if (outcome.startError !== undefined) return `could not run (${outcome.startError})`;
  const detail = (outcome.stderr.trim() || outcome.stdout.trim()).split('\n').slice(0, 3).join(' / ');
  const status = outcome.code === null ? 'was killed' : `exited with ${outcome.code}`;
  return detail === '' ? `failed: it ${status}` : `failed (${status}): ${detail}`;
}
