import { profileNameSchema } from '../../../core/profiles/definition.js';
import { parseInput } from '../../../core/validation.js';
import type { Invocation } from '../../invocation.js';
import { renderData } from '../../output/data.js';

/** The current definitions as an `apply -f` file: YAML unless `-o json`. */
export async function exportConfig(inv: Invocation, flags: { profile?: string }): Promise<void> {
  const profile =
    flags.profile === undefined ? undefined : parseInput(profileNameSchema, flags.profile, 'profile name');
  const api = await inv.api();
  const { document } = await api.exportConfig(profile === undefined ? {} : { profile });
  inv.out.out(await renderData(document, inv.out.format === 'json' ? 'json' : 'yaml'));
}
