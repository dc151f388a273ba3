import pc from 'picocolors';

/** A set of colour functions; every one is the identity when colour is off. */
export type Palette = ReturnType<typeof pc.createColors>;

export interface ColorInputs {
  /** false after `--no-color`. */
  flag: boolean;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/**
 * Colour only for a person at a terminal: `--no-color`, NO_COLOR (no-color.org: any non-empty value)
 * and TERM=dumb turn it off; FORCE_COLOR turns it on for pipes (CI logs that render ANSI).
 */
export function shouldColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (!flag) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function createPalette(enabled: boolean): Palette {
  return pc.createColors(enabled);
}
