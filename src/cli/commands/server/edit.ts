import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { runEditor } from '../../../core/editor.js';
import {
  type ServerSpec,
  type ServerSpecInput,
  serverNameSchema,
  serverSpecSchema,
} from '../../../core/servers/definition.js';
import { parseInput } from '../../../core/validation.js';
import { McpctlError } from '../../../shared/errors.js';
import { loadYaml } from '../../../shared/yaml.js';
import type { Invocation } from '../../invocation.js';
import { reportUpdate } from './set.js';

/** The fields in the order a person reads a definition: what runs, then how it is kept running. */
const FIELD_ORDER = [
  'transport',
  'command',
  'args',
  'env',
  'cwd',
  'url',
  'headers',
  'share',
  'pool',
  'maxSessions',
  'roots',
  'autostart',
  'labels',
  'policy',
] as const;

function header(name: string): string {
  return [
    `# The definition of server '${name}' (mcpctl server edit). It is saved when the editor exits,`,
    '# once it is valid; nothing is saved otherwise. Durations in policy are in milliseconds.',
    `# The name cannot be changed here: to rename, 'mcpctl server rm ${name}' and add it again.`,
    '',
  ].join('\n');
}

async function render(spec: ServerSpec): Promise<string> {
  const yaml = await loadYaml();
  const record = spec as unknown as Record<string, unknown>;
  const ordered = Object.fromEntries(
    FIELD_ORDER.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]),
  );
  return header(spec.name) + yaml.stringify(ordered);
}

/** The edited text as a definition of `name`, or the INVALID_ARGUMENT that says what is wrong with it. */
async function parseEdited(name: string, text: string): Promise<ServerSpec> {
  const yaml = await loadYaml();
  let document: unknown;
  try {
    document = yaml.parse(text);
  } catch (error) {
    throw new McpctlError('INVALID_ARGUMENT', `the edited definition is no valid YAML: ${(error as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new McpctlError('INVALID_ARGUMENT', 'the edited definition must be a mapping of fields (transport: ...)');
  }
  const fields = document as Record<string, unknown>;
  if (fields.name !== undefined && fields.name !== name) {
    throw new McpctlError('INVALID_ARGUMENT', `the name cannot be changed in server edit (it stays '${name}')`, {
      hint: `to rename, 'mcpctl server rm ${name}' and add it under the new name`,
    });
  }
  return parseInput(serverSpecSchema, { ...fields, name } as ServerSpecInput, `definition of '${name}'`);
}

/** A person at a terminal (stdin and stderr), who can be asked to edit again. */
function interactive(inv: Invocation): boolean {
  return process.stdin.isTTY === true && inv.ctx.stderrIsTTY;
}

async function askAgain(): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question('Edit again? [Y/n] ');
    return !/^n/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * `server edit NAME`: the stored definition as YAML in the user's editor, validated with the same
 * schema as `server add` before it is saved through `updateServer` (rolled over when a launch field
 * changed). An invalid edit is never saved: in a terminal the editor can be opened again; otherwise
 * the edited text is kept in a temp file, named in the error, and the command exits 2.
 */
export async function editServer(inv: Invocation, name: string): Promise<void> {
  parseInput(serverNameSchema, name, 'server name');
  const api = await inv.api();
  const { spec } = await api.getServerSpec({ name });
  const original = await render(spec);
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-edit-'));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, original, { mode: 0o600 }); // env values and headers may be secrets
  let keep = false;
  try {
    for (;;) {
      runEditor(inv.ctx.env, file);
      const text = readFileSync(file, 'utf8');
      if (text === original) {
        inv.out.note(`server ${name}: no changes, nothing saved`);
        return;
      }
      let edited: ServerSpec;
      try {
        edited = await parseEdited(name, text);
      } catch (error) {
        if (!(error instanceof McpctlError)) throw error;
        if (interactive(inv)) {
          inv.out.note(`Error: ${error.message.trimEnd()}`);
          if (await askAgain()) continue;
        }
        keep = true;
        throw new McpctlError('INVALID_ARGUMENT', `${error.message.trimEnd()} (nothing was saved)`, {
          hint: `your edit is kept in ${file}: fix it from there when you run 'mcpctl server edit ${name}' again`,
        });
      }
      try {
        await reportUpdate(inv, await api.updateServer({ spec: edited }));
      } catch (error) {
        keep = true;
        inv.out.note(`your edit is kept in ${file}`);
        throw error;
      }
      return;
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
