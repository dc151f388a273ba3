import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkReferences } from '../../../core/config/declarative.js';
import { invalidDocument, readDeclarative } from '../../../core/config/declarativeSource.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderApplyResult } from '../../output/applyPlan.js';
import { ReportedFailure } from '../../reported.js';

export interface ApplyFlags {
  file: string;
  dryRun?: true;
  prune?: true;
}

/**
 * Reads and validates the whole file here (positions are known only here), checks its members
 * against the servers defined, then hands the document to the daemon, which validates it again,
 * plans against its own state and applies the steps in order.
 */
export async function applyFile(inv: Invocation, flags: ApplyFlags): Promise<void> {
  const { text, name } = await readSource(inv, flags.file);
  const source = await readDeclarative(text, name);
  const prune = flags.prune === true;
  const api = await inv.api();
  const defined = await api.listServers({});
  const problems = checkReferences(
    source.document,
    defined.map((server) => server.name),
    { prune },
  );
  if (problems.length > 0) throw invalidDocument(problems, source.where);
  const result = await api.applyConfig({ document: source.document, prune, dryRun: flags.dryRun === true });
  if (inv.out.machine) await inv.out.data(result);
  else inv.out.out(renderApplyResult(result, inv.out.color));
  if (result.error === null) return;
  const failed = result.steps.find((step) => step.status === 'failed');
  const error = McpctlError.fromPayload(result.error);
  if (inv.out.machine) throw new ReportedFailure(error.exitCode);
  throw new McpctlError(error.code, `${failed ? `${failed.kind} ${failed.name}: ` : ''}${error.message}`, {
    hint: `the changes before it were applied, the ones after it were not (see above); ${error.hint ?? 'fix it and apply the file again'}`,
  });
}

/** `-` is stdin (`mcpctl export | mcpctl apply -f -`); a path is relative to the working directory. */
async function readSource(inv: Invocation, file: string): Promise<{ text: string; name: string }> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), name: '<stdin>' };
  }
  try {
    return { text: readFileSync(resolve(inv.ctx.cwd, file), 'utf8'), name: file };
  } catch (error) {
    throw new McpctlError('INVALID_ARGUMENT', `cannot read '${file}': ${(error as Error).message}`, {
      hint: 'name a YAML or JSON file, or - for stdin',
    });
  }
}
