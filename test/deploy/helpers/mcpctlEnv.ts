import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_KEYS } from '../../../src/core/config/settingKeys.js';
import { MASTER_KEY_ENV } from '../../../src/core/secrets/keySlots.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * Variables referenced by the manifests that another helper's branch adds to src/ in the same
 * round (pgstore: MCPCTL_STORE_URL). Remove a name once src/ reads it: the test then checks it.
 */
/**
 * The MCPCTL_* variables mcpctl reads: every setting's variable, the master key's, and each one
 * src/ reads as `env.MCPCTL_X` or `env['MCPCTL_X']` (MCPCTL_HOME, MCPCTL_NO_KEYRING, ...).
 */
export function mcpctlReads(): Set<string> {
  const names = new Set<string>([MASTER_KEY_ENV]);
  for (const key of SETTING_KEYS) if (key.env !== undefined) names.add(key.env);
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\benv(?:\.|\[['"])(MCPCTL_[A-Z0-9_]+)/g)) {
      if (match[1] !== undefined) names.add(match[1]);
    }
  }
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}
