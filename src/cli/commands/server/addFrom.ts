import { openRegistries } from '../../../core/registry/client.js';
import {
  chooseTarget,
  type InputNeed,
  inputsOf,
  type Launch,
  launchOf,
  secretHeaders,
} from '../../../core/registry/entrySpec.js';
import { parseEntryRef, resolveEntry } from '../../../core/registry/resolve.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { quoteArgv } from '../../output/shellQuote.js';
import { registryOptions } from '../registry/options.js';
import { submitServerSpec, validateServerSpec } from './add.js';
import { isSecretReference, referSecrets, storeSecrets } from './addFromSecrets.js';
import { type AddFlags, buildServerSpec } from './spec.js';

/** `server add NAME --from [REGISTRY:]SERVER[@VERSION]`: the other flags of `server add`, plus these. */
export interface AddFromFlags extends AddFlags {
  from: string;
  arg: string[];
  remote?: true;
  refresh?: true;
  wait: boolean;
}

/** What the user gave for an input: on the command line (a literal), or from mcpctl's environment or a prompt. */
interface Given {
  values: string[];
  literal: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `KEY=VALUE` (a literal) or a bare `KEY`: the value of mcpctl's own environment variable KEY, a
 * way to hand over a secret that keeps it out of argv and shell history (it is then stored encrypted).
 */
function parseGiven(flag: string, values: readonly string[], env: NodeJS.ProcessEnv): Map<string, Given> {
  const given = new Map<string, Given>();
  for (const value of values) {
    const index = value.indexOf('=');
    const key = index < 0 ? value : value.slice(0, index);
    if (key === '') throw usage(`invalid ${flag} '${value}': expected KEY=VALUE or KEY`, `write ${flag} KEY=VALUE`);
    let item: string;
    let literal = true;
    if (index >= 0) item = value.slice(index + 1);
    else {
      const name = envNameFor(key);
      const fromEnv = env[name];
      if (fromEnv === undefined) {
        throw usage(
          `${flag} ${key}: no value, and mcpctl's environment has no ${name}`,
          `give ${flag} ${key}=VALUE, or export ${name} before running mcpctl`,
        );
      }
      item = fromEnv;
      literal = false;
    }
    const seen = given.get(key);
    given.set(key, { values: [...(seen?.values ?? []), item], literal: literal || seen?.literal === true });
  }
  return given;
}

function needId(need: Pick<InputNeed, 'flag' | 'key'>): string {
  return `${need.flag} ${need.key}`;
}

/** The environment variable a bare KEY reads: KEY itself, or `api-key` → `API_KEY` when KEY is no such name. */
function envNameFor(key: string): string {
  return ENV_NAME.test(key) ? key : key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function usage(message: string, hint: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', message, { hint });
}

function describeNeed(need: InputNeed): string {
  const about = need.description ? `: ${need.description}` : '';
  return `${need.key} (${need.flag}${need.secret ? ', secret' : ''}${about})`;
}

function example(need: InputNeed): string {
  return need.secret ? `${need.flag} ${need.key} (from $${envNameFor(need.key)})` : `${need.flag} ${need.key}=VALUE`;
}

function secretRefusal(server: string, needs: readonly InputNeed[]): McpctlError {
  const keys = needs.map((need) => need.key);
  const [first] = needs as [InputNeed];
  return usage(
    `${keys.join(', ')} of ${server} ${keys.length > 1 ? 'are secrets' : 'is a secret'}: not taken as a literal on the command line (it would stay in your shell history and the process list)`,
    `pass it from mcpctl's environment: ${envNameFor(first.key)}=... mcpctl server add NAME --from ... ${first.flag} ${first.key} (mcpctl stores it encrypted with 'mcpctl secret'), refer to a secret you set: ${first.flag} '${first.key}=\${secret:NAME}', or run on a terminal to be asked for it`,
  );
}

/** Values for the inputs: given, else asked on a terminal, else (for a required one) a usage error listing all. */
async function gatherInputs(
  inv: Invocation,
  server: string,
  needs: readonly InputNeed[],
  env: Map<string, Given>,
  args: Map<string, Given>,
): Promise<Map<string, readonly string[]>> {
  const values = new Map<string, readonly string[]>();
  const unknownArgs = [...args.keys()].filter(
    (key) => !needs.some((need) => need.flag === '--arg' && need.key === key),
  );
  if (unknownArgs.length > 0) {
    const known = needs.filter((need) => need.flag === '--arg').map((need) => need.key);
    throw usage(
      `--arg ${unknownArgs.join(', ')}: ${server} has no such input`,
      known.length
        ? `its --arg inputs: ${known.join(', ')}`
        : 'it takes no --arg inputs (use --env for environment variables)',
    );
  }
  const refused: InputNeed[] = [];
  const missing: InputNeed[] = [];
  for (const need of needs) {
    const given = (need.flag === '--env' ? env : args).get(need.key);
    if (given) {
      if (need.secret && given.literal && !given.values.every(isSecretReference)) refused.push(need);
      for (const value of given.values) checkChoice(need, value);
      values.set(needId(need), given.values);
    } else if (need.required && need.default === undefined) missing.push(need);
  }
  if (refused.length > 0) throw secretRefusal(server, refused);
  if (missing.length === 0) return values;
  const { prompter } = inv.ctx;
  if (!prompter) {
    throw usage(
      `${server} needs ${missing.length === 1 ? 'a value' : 'values'} for: ${missing.map(describeNeed).join('; ')}`,
      `give ${missing.map(example).join(' ')}, or run on a terminal to be asked`,
    );
  }
  for (const need of missing) {
    const choices = need.choices?.length ? ` [${need.choices.join('/')}]` : '';
    const about = need.description ? ` (${need.description})` : '';
    const answer = await prompter.ask(`${need.key}${about}${choices}: `, { secret: need.secret });
    if (answer === '') throw usage(`no value given for ${need.key}`, `give it with ${example(need)}`);
    checkChoice(need, answer);
    values.set(needId(need), [answer]);
  }
  return values;
}

/** An input with choices takes one of them (the schema: "the user must select one of these values"). */
function checkChoice(need: InputNeed, value: string): void {
  if (need.choices?.length && !need.choices.includes(value)) {
    const shown = need.secret ? 'the value given' : `'${value}'`;
    throw usage(`${need.flag} ${need.key}: ${shown} is not one of ${need.choices.join(', ')}`, `give one of them`);
  }
}

/**
 * The resolved command line, without the environment and headers (secret inputs are references to
 * the secrets they are stored as by now): shown so the user sees what will run.
 */
function describeLaunch(launch: Launch): string {
  if (launch.transport === 'http') return launch.url;
  return quoteArgv([launch.command, ...launch.args]);
}

export async function addServerFrom(
  inv: Invocation,
  name: string,
  command: readonly string[],
  flags: AddFromFlags,
): Promise<void> {
  if (command.length > 0 || flags.url !== undefined) {
    throw usage(
      '--from fills in the command or URL from the registry: give no command and no --url with it',
      `mcpctl server add ${name} --from ${flags.from}`,
    );
  }
  const ref = parseEntryRef(flags.from);
  const env = parseGiven('--env', flags.env, inv.ctx.env);
  const args = parseGiven('--arg', flags.arg, inv.ctx.env);
  const clients = openRegistries(
    registryOptions(inv, { ...(ref.registry ? { registry: ref.registry } : {}), refresh: flags.refresh === true }),
  );
  const { registry, entry } = await resolveEntry(clients, ref);
  const { server } = entry;
  const target = chooseTarget(server, flags.remote === true);
  const needs = inputsOf(target);
  const secretHeader = secretHeaders(target).find((name) =>
    flags.header.some((header) => {
      const [key, ...rest] = header.split(':');
      return key?.trim().toLowerCase() === name.toLowerCase() && !rest.join(':').includes('${secret:');
    }),
  );
  if (secretHeader !== undefined) {
    const variable = needs.find((need) => need.kind === 'variable' && need.secret);
    throw usage(
      `--header ${secretHeader}: this header of ${server.name} holds a secret, not taken as a literal on the command line`,
      variable
        ? `give its value from mcpctl's environment (${variable.key}=... mcpctl server add NAME --from ... --arg ${variable.key}; stored encrypted), or refer to a secret: --header '${secretHeader}: \${secret:NAME}'`
        : `refer to a secret: --header '${secretHeader}: \${secret:NAME}' (set it with 'mcpctl secret set NAME'), or run on a terminal to be asked for it`,
    );
  }
  const values = await gatherInputs(inv, server.name, needs, env, args);
  const secrets = referSecrets(name, needs, values, needId);
  const launch = launchOf(target, (need) => values.get(needId(need)), extraEnv(env, needs));
  inv.out.note(`${server.name}@${server.version} from registry '${registry}': ${describeLaunch(launch)}`);

  // Where the definition came from; a label value holds 255 characters, an odd entry's may not fit.
  const origin = `${registry}:${server.name}@${server.version}`;
  const keep = flags.label.some((item) => item.startsWith('from=')) || origin.length > 255;
  const labels = keep ? flags.label : [...flags.label, `from=${origin}`];
  const spec =
    launch.transport === 'stdio'
      ? buildServerSpec(
          name,
          [launch.command, ...launch.args],
          {
            ...flags,
            label: labels,
            env: Object.entries(launch.env).map(([key, value]) => `${key}=${value}`),
          },
          inv.ctx.cwd,
        )
      : buildServerSpec(
          name,
          [],
          {
            ...flags,
            label: labels,
            url: launch.url,
            header: [...Object.entries(launch.headers).map(([key, value]) => `${key}: ${value}`), ...flags.header],
          },
          inv.ctx.cwd,
        );
  validateServerSpec(spec);
  const api = await inv.api();
  // A server of that name already there keeps its secrets: the add answers for it (a retry, or taken).
  const taken = await api.getServer({ name }).then(
    () => true,
    (error: unknown) => {
      if (error instanceof McpctlError && error.code === 'NOT_FOUND') return false;
      throw error;
    },
  );
  const undo = taken ? async () => {} : await storeSecrets(api, secrets);
  try {
    await submitServerSpec(inv, spec, flags.wait);
  } catch (error) {
    // Not defined: the secrets made for it go too. Defined but not started: they stay with it.
    if (error instanceof McpctlError && error.code !== 'SERVER_FAILED') await undo();
    throw error;
  }
}

/** `--env KEY=VALUE`s that are no input of the entry: passed on as they are (a server may need more than it declares). */
function extraEnv(env: Map<string, Given>, needs: readonly InputNeed[]): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const [key, given] of env) {
    if (!needs.some((need) => need.flag === '--env' && need.key === key)) extra[key] = given.values.at(-1) ?? '';
  }
  return extra;
}
