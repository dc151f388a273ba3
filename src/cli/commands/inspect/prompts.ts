import type { Prompt } from '@modelcontextprotocol/sdk/types.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderPromptMessages, renderPromptsTable } from '../../output/inspect.js';
import { splitTarget, type TargetFlags, withSession } from './target.js';

async function allPrompts(client: import('@modelcontextprotocol/sdk/client/index.js').Client): Promise<Prompt[]> {
  const prompts: Prompt[] = [];
  if (!client.getServerCapabilities()?.prompts) return prompts;
  let cursor: string | undefined;
  do {
    const page = await client.listPrompts(cursor === undefined ? {} : { cursor });
    prompts.push(...page.prompts);
    cursor = page.nextCursor;
  } while (cursor);
  return prompts;
}

export async function listPrompts(inv: Invocation, server: string | undefined, flags: TargetFlags): Promise<void> {
  const { target } = splitTarget('prompts', server === undefined ? [] : [server], flags, []);
  const prompts = await withSession(inv, target, 'prompts/list', ({ client }) => allPrompts(client));
  if (inv.out.machine) await inv.out.data(prompts);
  else if (prompts.length === 0) inv.out.note(`${target.name} has no prompts`);
  else inv.out.out(renderPromptsTable(prompts, inv.out.headers));
}

/** Prompt arguments are strings by the spec: checked here for unknown and missing names before prompts/get. */
function promptArguments(prompt: Prompt, pairs: readonly string[], hint: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const index = pair.indexOf('=');
    if (index <= 0)
      throw new McpctlError('INVALID_ARGUMENT', `invalid argument '${pair}': expected KEY=VALUE`, { hint });
    args[pair.slice(0, index)] = pair.slice(index + 1);
  }
  const declared = prompt.arguments ?? [];
  const problems = [
    ...Object.keys(args)
      .filter((key) => !declared.some((arg) => arg.name === key))
      .map((key) => `${key}: is not an argument of this prompt`),
    ...declared.filter((arg) => arg.required && !(arg.name in args)).map((arg) => `${arg.name}: is required`),
  ];
  if (problems.length > 0) {
    throw new McpctlError('INVALID_ARGUMENT', `invalid arguments for prompt '${prompt.name}': ${problems.join('; ')}`, {
      hint,
    });
  }
  return args;
}

export async function getPrompt(inv: Invocation, words: readonly string[], flags: TargetFlags): Promise<void> {
  const { target, rest } = splitTarget('prompt', words, flags, ['NAME']);
  const [name = '', ...pairs] = rest;
  const listing = `mcpctl prompts ${target.kind === 'profile' ? '--profile ' : ''}${target.name}`;
  const result = await withSession(inv, target, `prompts/get '${name}'`, async ({ client }) => {
    const prompt = (await allPrompts(client)).find((candidate) => candidate.name === name);
    if (!prompt) {
      throw new McpctlError('NOT_FOUND', `${target.kind} '${target.name}' has no prompt '${name}'`, {
        hint: `list its prompts with '${listing}'`,
      });
    }
    const args = promptArguments(prompt, pairs, `see its arguments with '${listing}'`);
    return client.getPrompt({ name, arguments: args });
  });
  if (inv.out.machine) await inv.out.data(result);
  else inv.out.out(renderPromptMessages(result));
}
