import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { McpctlError } from '../../../shared/errors.js';

function invalid(message: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', message, {
    hint: `write the arguments as a JSON object: --json '{"message": "hi"}', --json @args.json or --json - (stdin)`,
  });
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `--json '{...}'`, `--json @FILE` (relative to the working directory) or `--json -` (stdin): one JSON object. */
export async function readJsonArguments(
  value: string,
  io: { cwd: string; stdin: NodeJS.ReadableStream },
): Promise<Record<string, unknown>> {
  let text = value;
  let source = '--json';
  if (value === '-') {
    text = await readStdin(io.stdin);
    source = '--json - (stdin)';
  } else if (value.startsWith('@')) {
    const file = resolve(io.cwd, value.slice(1));
    source = `--json ${value}`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw invalid(`cannot read ${file} for ${source}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(
      `${source} must be a JSON object of arguments, not ${Array.isArray(parsed) ? 'an array' : typeof parsed}`,
    );
  }
  return parsed as Record<string, unknown>;
}
