/**
 * A Dockerfile read the way BuildKit reads it, for what the deploy tests check: comment lines
 * dropped (also inside a continued line), `\` continuations joined, one instruction per logical
 * line, grouped into stages by FROM. Exec forms (`["a", "b"]`) are parsed as JSON.
 */
export interface Instruction {
  keyword: string;
  /** `--from=build`, `--interval=10s`: the leading flags. */
  flags: Record<string, string>;
  /** The text after the flags. */
  text: string;
  /** The JSON array of an exec form, else undefined (shell form). */
  exec?: string[];
}

export interface Stage {
  /** The FROM image with the ARGs before the first FROM substituted (their defaults). */
  image: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const instruction = parseInstruction(line);
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.text.split(/\s+/);
      stages.push({
        image: substitute(image, args),
        ...(as?.toUpperCase() === 'AS' && name ? { name } : {}),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${instruction.keyword} before the first FROM`);
      const [key = '', value = ''] = instruction.text.split('=');
      args[key] = value;
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** The commands of the stage's RUN instructions, each `a && b` split in two, whitespace collapsed. */
export function runCommands(stage: Stage): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'RUN')
    .flatMap((instruction) => (instruction.exec ? [instruction.exec.join(' ')] : instruction.text.split('&&')))
    .map((command) => command.trim().replace(/\s+/g, ' '));
}

/** `KEY=VALUE` pairs of the stage's ENV instructions (unquoted values: all this image uses). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const pair of instruction.text.split(/\s+/)) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`ENV ${instruction.text}: only KEY=VALUE pairs are read here`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/** The last instruction of that keyword in the stage. */
export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

/** `${NAME}` and `$NAME` replaced by the ARG's default. */
function substitute(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const value = args[braced ?? bare ?? ''];
    if (value === undefined) throw new Error(`${whole}: no ARG of that name before the first FROM`);
    return value;
  });
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = `${pending}${line}`.trim();
    pending = '';
    if (whole !== '') lines.push(whole);
  }
  if (pending.trim() !== '') throw new Error('the Dockerfile ends inside a continued line');
  return lines;
}

function parseInstruction(line: string): Instruction {
  const space = line.search(/\s/);
  const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  let rest = space === -1 ? '' : line.slice(space).trim();
  const flags: Record<string, string> = {};
  while (rest.startsWith('--')) {
    const end = rest.search(/\s/);
    const flag = end === -1 ? rest : rest.slice(0, end);
    const [name = '', value = ''] = flag.slice(2).split('=');
    flags[name] = value;
    rest = end === -1 ? '' : rest.slice(end).trim();
  }
  // HEALTHCHECK's own form: flags, then CMD and the command.
  const command = keyword === 'HEALTHCHECK' && rest.startsWith('CMD ') ? rest.slice(4).trim() : rest;
  const exec = command.startsWith('[') ? (JSON.parse(command) as string[]) : undefined;
  return { keyword, flags, text: command, ...(exec ? { exec } : {}) };
}
