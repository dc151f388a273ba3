import { homedir } from 'node:os';
import { join } from 'node:path';

/** Every file mcpctl touches, resolved once. `MCPCTL_HOME` puts them all in one folder. */
export interface Paths {
  configDir: string;
  stateDir: string;
  runtimeDir: string;
  /** Answers that can be fetched again (registry responses): safe to delete. */
  cacheDir: string;
  configFile: string;
  database: string;
  logsDir: string;
  daemonLog: string;
  socket: string;
  pidFile: string;
  lockFile: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = env.MCPCTL_HOME;
  let configDir: string;
  let stateDir: string;
  let runtimeDir: string;
  let cacheDir: string;
  if (home) {
    configDir = home;
    stateDir = home;
    runtimeDir = join(home, 'run');
    cacheDir = join(home, 'cache');
  } else {
    const userHome = env.HOME ?? homedir();
    configDir = join(env.XDG_CONFIG_HOME || join(userHome, '.config'), 'mcpctl');
    stateDir = join(env.XDG_STATE_HOME || join(userHome, '.local', 'state'), 'mcpctl');
    runtimeDir = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'mcpctl') : join(stateDir, 'run');
    cacheDir = join(env.XDG_CACHE_HOME || join(userHome, '.cache'), 'mcpctl');
  }
  const logsDir = join(stateDir, 'logs');
  return {
    configDir,
    stateDir,
    runtimeDir,
    cacheDir,
    configFile: join(configDir, 'config.yaml'),
    database: join(stateDir, 'mcpctl.db'),
    logsDir,
    daemonLog: join(logsDir, 'daemon.log'),
    socket: join(runtimeDir, 'mcpctl.sock'),
    pidFile: join(runtimeDir, 'daemon.pid'),
    lockFile: join(runtimeDir, 'daemon.lock'),
  };
}

/** Log file of one server; `name` is already validated against SERVER_NAME_PATTERN. */
export function serverLogPath(paths: Paths, name: string): string {
  return join(paths.logsDir, `${name}.log`);
}
