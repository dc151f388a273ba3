import type * as z from 'zod';
import { McpctlError } from '../../shared/errors.js';
import { loadYaml } from '../../shared/yaml.js';
import { serverSpecSchema } from '../servers/definition.js';
import {
  type DeclarativeDocument,
  type DocumentProblem,
  declarativeDocumentSchema,
  formatPath,
} from './declarative.js';

/** A declarative file read and validated, with the way back from a path to its place in the text. */
export interface DeclarativeSource {
  document: DeclarativeDocument;
  /** `file:line:col` of the node at `path`, or of its nearest ancestor that the file has. */
  where(path: ReadonlyArray<PropertyKey>, options?: { onKey?: boolean }): string;
}

type YamlModule = Awaited<ReturnType<typeof loadYaml>>;
type YamlDocument = ReturnType<YamlModule['parseDocument']>;
type Path = ReadonlyArray<PropertyKey>;
type Where = (path: Path, options?: { onKey?: boolean }) => string;

const FIX_HINT = 'fix the file at the places named above: nothing was changed';

/**
 * Parses YAML or JSON (JSON is parsed as YAML, so both get node positions) and validates the whole
 * document with its zod schema. Every problem is named as `file:line:column: path: message`, and
 * one bad entry fails the file: the caller changes nothing unless this returns.
 */
export async function readDeclarative(text: string, file: string): Promise<DeclarativeSource> {
  const yaml = await loadYaml();
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((error) => `${at(error.pos[0])}: ${firstLine(error.message)}`);
    throw new McpctlError('CONFIG_INVALID', lines.join('\n'), {
      hint: `${FIX_HINT} (the file is not valid YAML or JSON)`,
    });
  }
  const where = (path: Path, options: { onKey?: boolean } = {}): string =>
    at(offsetOf(yaml, doc, path, options.onKey === true));
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const result = declarativeDocumentSchema.safeParse(raw);
  if (!result.success)
    throw invalidDocument(
      result.error.issues.flatMap((issue) => toProblems(issue, raw)),
      where,
    );
  return { document: result.data, where };
}

/** One CONFIG_INVALID naming each problem at its place. */
export function invalidDocument(problems: DocumentProblem[], where: Where): McpctlError {
  const lines = problems.map((problem) => {
    const field = formatPath(problem.path);
    return `${where(problem.path, { onKey: problem.onKey === true })}: ${field === '' ? '' : `${field}: `}${problem.message}`;
  });
  return new McpctlError('CONFIG_INVALID', lines.join('\n'), { hint: FIX_HINT });
}

/** yaml's message repeats the position and quotes the source: keep the reason. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** zod's issue, pointed at the node a user must edit (the unknown key itself, the bad discriminator). */
function toProblems(issue: z.core.$ZodIssue, raw: unknown): DocumentProblem[] {
  const path = issue.path as Array<string | number>;
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownField(path, key));
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const entryPath = path[path.length - 1] === issue.discriminator ? path.slice(0, -1) : path;
    const entry = valueAt(raw, entryPath);
    const given = isRecord(entry) ? entry[issue.discriminator] : undefined;
    const problems: DocumentProblem[] = [
      {
        path: [...entryPath, issue.discriminator],
        message:
          given === undefined
            ? 'missing (expected "stdio" or "http")'
            : `expected "stdio" or "http", not ${JSON.stringify(given)}`,
      },
    ];
    // Without a transport zod cannot tell which fields are unknown: a misspelt `transport` among them.
    if (isRecord(entry)) {
      for (const key of Object.keys(entry)) if (!SERVER_FIELDS.has(key)) problems.push(unknownField(entryPath, key));
    }
    return problems;
  }
  return [{ path, message: issue.message }];
}

const SERVER_FIELDS = new Set(serverSpecSchema.options.flatMap((option) => Object.keys(option.shape)));

function unknownField(path: Array<string | number>, key: string): DocumentProblem {
  return { path: [...path, key], onKey: true, message: `unknown field '${key}'` };
}

function valueAt(value: unknown, path: Array<string | number>): unknown {
  let at = value;
  for (const key of path) at = isRecord(at) || Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Where the node at `path` starts: its value, or its key for `onKey` (an unknown field); a key
 * that is missing points at the nearest ancestor the file has.
 */
function offsetOf(yaml: YamlModule, doc: YamlDocument, path: Path, onKey: boolean): number {
  for (let length = path.length; length > 0; length -= 1) {
    const parentPath = path.slice(0, length - 1);
    const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
    const last = path[length - 1];
    if (yaml.isMap(parent)) {
      const pair = parent.items.find((item) => yaml.isScalar(item.key) && String(item.key.value) === String(last));
      if (!pair) continue;
      const pointAtKey = onKey && length === path.length;
      if (!pointAtKey && yaml.isNode(pair.value) && pair.value.range) return pair.value.range[0];
      if (yaml.isNode(pair.key) && pair.key.range) return pair.key.range[0];
    } else if (yaml.isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      if (yaml.isNode(item) && item.range) return item.range[0];
    }
  }
  return yaml.isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : 0;
}
