import { McpctlError } from '../../shared/errors.js';
import type {
  KeyValueInput,
  RegistryArgument,
  RegistryInput,
  RegistryPackage,
  RegistryRemote,
  RegistryServer,
} from './serverJson.js';

/**
 * From a registry entry to what `server add` stores: which package or remote to use, which
 * inputs the user may (or must) give, and the command or URL built with them. npm runs as
 * `npx -y pkg@version`, PyPI as `uvx pkg==version`, OCI as `docker run -i --rm image:tag`
 * (environment passed by name with `-e`, so values never sit in argv); a remote is its URL and headers.
 */

/** How mcpctl runs each package type. */
const RUNNABLE_PACKAGES = ['npm', 'pypi', 'oci'] as const;

export type Target = { kind: 'package'; pkg: RegistryPackage } | { kind: 'remote'; remote: RegistryRemote };

/** A value the user may give: `--env KEY=VALUE` for environment variables, `--arg KEY=VALUE` for the rest. */
export interface InputNeed {
  kind: 'env' | 'argument' | 'header' | 'variable';
  flag: '--env' | '--arg';
  /** Environment or header name, a positional's valueHint, a flag without its dashes, a variable name. */
  key: string;
  description?: string;
  required: boolean;
  secret: boolean;
  default?: string;
  choices?: string[];
  repeated: boolean;
}

export type Launch =
  | { transport: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { transport: 'http'; url: string; headers: Record<string, string> };

/** The values given for an input (several for a repeated argument), or undefined. */
export type InputValues = (need: InputNeed) => readonly string[] | undefined;

function isRunnable(pkg: RegistryPackage): boolean {
  return (RUNNABLE_PACKAGES as readonly string[]).includes(pkg.registryType) && pkg.transport.type === 'stdio';
}

/** What mcpctl can use of `server`: a stdio package (npm, PyPI, OCI) first, else a Streamable HTTP remote. */
export function chooseTarget(server: RegistryServer, preferRemote: boolean): Target {
  const pkg = (server.packages ?? []).find(isRunnable);
  const remote = (server.remotes ?? []).find((candidate) => candidate.type === 'streamable-http');
  if (remote && (preferRemote || !pkg)) return { kind: 'remote', remote };
  if (pkg) return { kind: 'package', pkg };
  const offers = [
    ...(server.packages ?? []).map((candidate) => `${candidate.registryType} package over ${candidate.transport.type}`),
    ...(server.remotes ?? []).map((candidate) => `${candidate.type} remote ${candidate.url}`),
  ];
  throw new McpctlError(
    'INVALID_ARGUMENT',
    `${server.name} offers nothing mcpctl can run: ${offers.length ? offers.join(', ') : 'no packages and no remotes'}`,
    {
      hint: 'mcpctl runs npm, PyPI and OCI packages over stdio and Streamable HTTP remotes; add it by hand with mcpctl server add NAME -- COMMAND',
    },
  );
}

function need(kind: InputNeed['kind'], key: string, input: RegistryInput, repeated = false): InputNeed {
  return {
    kind,
    flag: kind === 'env' ? '--env' : '--arg',
    key,
    required: input.isRequired === true,
    secret: input.isSecret === true,
    repeated,
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(input.default === undefined ? {} : { default: input.default }),
    ...(input.choices === undefined ? {} : { choices: input.choices }),
  };
}

function variablesOf(input: { variables?: Record<string, RegistryInput> | undefined }): InputNeed[] {
  return Object.entries(input.variables ?? {})
    .filter(([, variable]) => variable.value === undefined)
    .map(([name, variable]) => need('variable', name, variable));
}

/** The key `--arg` uses for an argument: a positional's valueHint, a named one's flag without dashes. */
function argumentKey(argument: RegistryArgument): string | undefined {
  if (argument.type === 'named') return argument.name.replace(/^-+/, '');
  return argument.valueHint;
}

function argumentNeeds(argument: RegistryArgument): InputNeed[] {
  if (argument.value !== undefined) return variablesOf(argument);
  const key = argumentKey(argument);
  return key === undefined ? [] : [need('argument', key, argument, argument.isRepeated === true)];
}

function keyValueNeeds(kind: 'env' | 'header', input: KeyValueInput): InputNeed[] {
  return input.value === undefined ? [need(kind, input.name, input)] : variablesOf(input);
}

/** Headers whose value is a secret, or holds one through a variable: never taken from --header. */
export function secretHeaders(target: Target): string[] {
  if (target.kind !== 'remote') return [];
  return (target.remote.headers ?? [])
    .filter(
      (header) => header.isSecret === true || Object.values(header.variables ?? {}).some((v) => v.isSecret === true),
    )
    .map((header) => header.name);
}

/** Every input of the target, each once (the first definition of a key wins). */
export function inputsOf(target: Target): InputNeed[] {
  const needs: InputNeed[] = [];
  if (target.kind === 'package') {
    const { pkg } = target;
    for (const argument of [...(pkg.runtimeArguments ?? []), ...(pkg.packageArguments ?? [])]) {
      needs.push(...argumentNeeds(argument));
    }
    for (const variable of pkg.environmentVariables ?? []) needs.push(...keyValueNeeds('env', variable));
  } else {
    const { remote } = target;
    needs.push(...variablesOf(remote));
    for (const header of remote.headers ?? []) needs.push(...keyValueNeeds('header', header));
  }
  const seen = new Set<string>();
  return needs.filter((item) => {
    const id = `${item.flag} ${item.key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function valuesOf(values: InputValues, item: InputNeed): readonly string[] | undefined {
  const given = values(item);
  if (given !== undefined && given.length > 0) return given;
  return item.default === undefined ? undefined : [item.default];
}

/** `{name}` in a fixed value, from its variables; an unknown name stays as written (as the schema says). */
function substitute(
  template: string,
  input: { variables?: Record<string, RegistryInput> | undefined },
  values: InputValues,
): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    const variable = input.variables?.[name];
    if (variable === undefined) return whole;
    if (variable.value !== undefined) return variable.value;
    return valuesOf(values, need('variable', name, variable))?.[0] ?? whole;
  });
}

/** A fixed value (its variables filled in), else what the user gave or the default. */
function argumentValues(argument: RegistryArgument, values: InputValues): readonly string[] | undefined {
  if (argument.value !== undefined) return [substitute(argument.value, argument, values)];
  const key = argumentKey(argument);
  return key === undefined ? undefined : valuesOf(values, need('argument', key, argument));
}

/**
 * The argument's words on the command line: `--flag value` for a named one (each value when repeated).
 * Two words rather than the schema's `--flag={value}` sketch: every parser that takes the one takes the
 * other for long flags, and only two words work for a short one (`-e VALUE`).
 */
function argv(argument: RegistryArgument, values: InputValues): string[] {
  const given = argumentValues(argument, values);
  if (given === undefined) return [];
  return argument.type === 'named' ? given.flatMap((value) => [argument.name, value]) : [...given];
}

function keyValue(kind: 'env' | 'header', input: KeyValueInput, values: InputValues): string | undefined {
  if (input.value !== undefined) return substitute(input.value, input, values);
  return valuesOf(values, need(kind, input.name, input))?.[0];
}

/** `image:tag`, unless the identifier already names a tag or a digest. */
function ociImage(pkg: RegistryPackage): string {
  const last = pkg.identifier.split('/').pop() ?? '';
  if (pkg.version === undefined || last.includes(':') || pkg.identifier.includes('@')) return pkg.identifier;
  return `${pkg.identifier}:${pkg.version}`;
}

function packageLaunch(pkg: RegistryPackage, values: InputValues, extraEnv: Record<string, string>): Launch {
  const runtimeArgs = (pkg.runtimeArguments ?? []).flatMap((argument) => argv(argument, values));
  const packageArgs = (pkg.packageArguments ?? []).flatMap((argument) => argv(argument, values));
  const env: Record<string, string> = {};
  for (const variable of pkg.environmentVariables ?? []) {
    const value = keyValue('env', variable, values);
    if (value !== undefined) env[variable.name] = value;
  }
  Object.assign(env, extraEnv);
  const versioned = (separator: string): string =>
    pkg.version === undefined ? pkg.identifier : `${pkg.identifier}${separator}${pkg.version}`;
  switch (pkg.registryType) {
    case 'npm':
      return { transport: 'stdio', command: 'npx', args: ['-y', ...runtimeArgs, versioned('@'), ...packageArgs], env };
    case 'pypi':
      return { transport: 'stdio', command: 'uvx', args: [...runtimeArgs, versioned('=='), ...packageArgs], env };
    default: {
      const passEnv = Object.keys(env).flatMap((name) => ['-e', name]);
      const args = ['run', '-i', '--rm', ...runtimeArgs, ...passEnv, ociImage(pkg), ...packageArgs];
      return { transport: 'stdio', command: 'docker', args, env };
    }
  }
}

/**
 * The command or URL of `target`, with the values given (and the defaults the entry declares).
 * `extraEnv`: environment the entry does not declare, which the user adds (a container gets it too).
 */
export function launchOf(target: Target, values: InputValues, extraEnv: Record<string, string> = {}): Launch {
  if (target.kind === 'package') return packageLaunch(target.pkg, values, extraEnv);
  const { remote } = target;
  const headers: Record<string, string> = {};
  for (const header of remote.headers ?? []) {
    const value = keyValue('header', header, values);
    if (value !== undefined) headers[header.name] = value;
  }
  return { transport: 'http', url: substitute(remote.url, remote, values), headers };
}
