import { isatty } from 'node:tty';
import { controlMethods } from '../../../core/api.js';
import { MAX_SECRET_BYTES } from '../../../core/secrets/names.js';
import { parseInput } from '../../../core/validation.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderSecretTable } from '../../output/secrets.js';
import { eachTarget } from '../server/each.js';

function checkedName(name: string): string {
  return parseInput(controlMethods.removeSecret.input, { name }, 'secret name').name;
}

/** All of stdin, without the one line end `echo` or a here-string adds. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_SECRET_BYTES + 2) break;
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function readValue(inv: Invocation, name: string): Promise<string> {
  if (!isatty(0)) return readStdin();
  const { prompter } = inv.ctx;
  if (!prompter) {
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `no value for the secret '${name}': stdin is a terminal but stderr is not`,
      {
        hint: `pipe the value in: printf %s "$VALUE" | mcpctl secret set ${name}`,
      },
    );
  }
  return prompter.ask(`Value of ${name} (hidden): `, { secret: true });
}

export async function setSecret(inv: Invocation, name: string): Promise<void> {
  checkedName(name);
  const value = await readValue(inv, name);
  if (value === '') {
    throw new McpctlError('INVALID_ARGUMENT', `no value given for the secret '${name}'`, {
      hint: `pipe it in (printf %s "$VALUE" | mcpctl secret set ${name}) or type it at the prompt`,
    });
  }
  const input = parseInput(controlMethods.setSecret.input, { name, value }, 'secret');
  const result = await (await inv.api()).setSecret(input);
  if (inv.out.machine) return inv.out.data(result);
  const used = result.usedBy.length === 0 ? '' : ` (used by ${result.usedBy.join(', ')}: restart them to use it)`;
  inv.out.out(`${result.created ? 'set' : 'updated'} secret ${result.name}${used}`);
}

export async function listSecrets(inv: Invocation): Promise<void> {
  const secrets = await (await inv.api()).listSecrets({});
  if (inv.out.machine) return inv.out.data(secrets);
  inv.out.out(renderSecretTable(secrets, { headers: inv.globals.headers }));
}

export async function removeSecrets(inv: Invocation, names: string[], flags: { force: boolean }): Promise<void> {
  for (const name of names) checkedName(name);
  const api = await inv.api();
  const removed = await eachTarget(inv, names, async (name) => {
    const result = await api.removeSecret({ name, force: flags.force });
    if (!inv.out.machine) {
      const left = result.usedBy.length === 0 ? '' : ` (still referred to by ${result.usedBy.join(', ')})`;
      inv.out.out(`removed secret ${result.name}${left}`);
    }
    return result;
  });
  if (inv.out.machine) await inv.out.data(removed);
}

export async function rotateKey(inv: Invocation): Promise<void> {
  const result = await (await inv.api()).rotateSecretKey({});
  if (inv.out.machine) return inv.out.data(result);
  const noun = result.count === 1 ? 'secret' : 'secrets';
  inv.out.out(
    `rotated the master key (${result.keySource}, key id ${result.keyId}): ${result.count} ${noun} re-encrypted`,
  );
}
