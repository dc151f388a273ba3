import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildArguments, checkArguments, type JsonSchema } from '../../../core/inspect/arguments.js';
import { listAllTools } from '../../../core/inspect/session.js';
import { McpctlError } from '../../../shared/errors.js';
import { EXIT } from '../../../shared/exitCodes.js';
import { parseDurationFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { renderToolResult } from '../../output/inspect.js';
import { createProgressLine } from '../../output/progressLine.js';
import { ReportedFailure } from '../../reported.js';
import { readJsonArguments } from './jsonArguments.js';
import { splitTarget, type TargetFlags, withSession } from './target.js';

export interface CallFlags extends TargetFlags {
  argumentsJson?: string;
  timeout: string;
}

/**
 * tools/list for the tool's input schema, the arguments typed and checked against it (a bad one
 * is refused here: nothing reaches the server), then tools/call. Exit 5 when the tool says isError.
 */
export async function callTool(inv: Invocation, words: readonly string[], flags: CallFlags): Promise<void> {
  const timeoutMs = parseDurationFlag('--timeout', flags.timeout, { min: 1 });
  const { target, rest } = splitTarget('call', words, flags, ['TOOL']);
  const [toolName = '', ...pairs] = rest;
  const base =
    flags.argumentsJson === undefined
      ? {}
      : await readJsonArguments(flags.argumentsJson, { cwd: inv.ctx.cwd, stdin: process.stdin });
  // KEY=VALUE syntax is checked before any session is opened; the values are typed once the schema is known.
  buildArguments(pairs, undefined);

  const result = await withSession(inv, target, `tools/call '${toolName}'`, async ({ client }) => {
    const tool = (await listAllTools(client)).find((candidate) => candidate.name === toolName);
    if (!tool) {
      throw new McpctlError('NOT_FOUND', `${target.kind} '${target.name}' has no tool '${toolName}'`, {
        hint: `list its tools with 'mcpctl tools ${target.kind === 'profile' ? '--profile ' : ''}${target.name}'`,
      });
    }
    const schema = tool.inputSchema as JsonSchema;
    const args = buildArguments(pairs, schema, base);
    checkArguments(args, schema, {
      what: `tool '${toolName}'`,
      hint: `see its input schema: mcpctl tools ${target.kind === 'profile' ? '--profile ' : ''}${target.name} -o json`,
      onUncheckable: (reason) =>
        inv.out.note(`mcpctl: cannot check the input schema of '${toolName}' here (${reason}); sent unchecked`),
    });
    const progress = createProgressLine(inv.ctx.stderr, inv.ctx.stderrIsTTY);
    try {
      return (await client.callTool({ name: toolName, arguments: args }, undefined, {
        timeout: timeoutMs,
        resetTimeoutOnProgress: true,
        signal: inv.ctx.signal,
        onprogress: (update) => progress.update(update),
      })) as CallToolResult;
    } finally {
      progress.clear();
    }
  });

  if (inv.out.machine) await inv.out.data(result);
  else inv.out.out(renderToolResult(result));
  if (result.isError) {
    inv.out.note(`mcpctl: tool '${toolName}' returned an error (isError)`);
    throw new ReportedFailure(EXIT.server);
  }
}
