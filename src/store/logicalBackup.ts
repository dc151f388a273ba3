import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { McpctlError } from '../shared/errors.js';
import type { BackupMeta } from './types.js';

/**
 * mcpctl's logical backup file (the PostgreSQL store's `backup create`): JSON lines, UTF-8.
 *
 *   line 1    {"mcpctlBackup":"logical","formatVersion":1,"backend":"postgres","schemaVersion":N,
 *              "meta":{"createdAt","mcpctlVersion","source"},"tables":["servers",...]}
 *   then      {"t":"servers","r":{...one row, as the database's row_to_json gives it...}}   (any number)
 *   last line {"end":{"rows":N,"sha256":"<hex of every byte before this line>"}}
 *
 * Tables come in the order the header lists them (parents before children), rows as columns
 * to values: json columns as JSON, bytea as "\x<hex>" text (secrets stay ciphertext), times as
 * the ISO text they are stored as. The last line makes a truncated or altered file detectable.
 */
export const LOGICAL_MAGIC = '{"mcpctlBackup":"logical"';
const FORMAT_VERSION = 1;

export interface LogicalHeader {
  backend: string;
  schemaVersion: number;
  meta: BackupMeta;
  tables: string[];
}

export interface LogicalBackup extends LogicalHeader {
  bytes: number;
  /** Rows by table, in the file's order (every table of the header is a key). */
  rows: Map<string, Array<Record<string, unknown>>>;
}

/** Whether a file starting with `head` is a logical backup (it may still be damaged). */
export function isLogicalHeader(head: Buffer): boolean {
  return head.subarray(0, LOGICAL_MAGIC.length).toString('utf8') === LOGICAL_MAGIC;
}

/** Writes a logical backup line by line into a new file (0600); `finish` seals and fsyncs it. */
export class LogicalBackupWriter {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private rows = 0;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(file: string, header: LogicalHeader) {
    // 'wx': a new file only; the caller renames it into place once it passed its check.
    this.fd = openSync(file, 'wx', 0o600);
    this.line(
      `${LOGICAL_MAGIC},"formatVersion":${FORMAT_VERSION},"backend":${JSON.stringify(header.backend)},"schemaVersion":${header.schemaVersion},"meta":${JSON.stringify(header.meta)},"tables":${JSON.stringify(header.tables)}}`,
    );
  }

  /** One row, given as the JSON text of its object (as PostgreSQL's row_to_json makes it). */
  row(table: string, json: string): void {
    this.rows++;
    this.line(`{"t":${JSON.stringify(table)},"r":${json}}`);
  }

  finish(): void {
    this.flush();
    const end = `{"end":{"rows":${this.rows},"sha256":"${this.hash.digest('hex')}"}}\n`;
    writeSync(this.fd, end);
    fsyncSync(this.fd);
    this.close();
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // closed already
    }
  }

  private line(text: string): void {
    const line = `${text}\n`;
    this.hash.update(line);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function damaged(file: string, why: string): McpctlError {
  return new McpctlError('STORE_CORRUPT', `the backup ${file} is damaged: ${why}`, {
    hint: 'use another backup (an intact copy of this one); nothing was changed',
  });
}

function parseLine(file: string, text: string, number: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // said below
  }
  throw damaged(file, `line ${number} is not a JSON object`);
}

function readHeader(file: string, first: string): LogicalHeader {
  const header = parseLine(file, first, 1);
  const meta = header.meta as Partial<BackupMeta> | undefined;
  const tables = header.tables;
  if (
    header.formatVersion !== FORMAT_VERSION ||
    typeof header.backend !== 'string' ||
    typeof header.schemaVersion !== 'number' ||
    typeof meta?.createdAt !== 'string' ||
    typeof meta.mcpctlVersion !== 'string' ||
    typeof meta.source !== 'string' ||
    !Array.isArray(tables) ||
    !tables.every((table) => typeof table === 'string')
  ) {
    throw damaged(file, 'its first line is not the header of a logical backup this mcpctl reads');
  }
  return {
    backend: header.backend,
    schemaVersion: header.schemaVersion,
    meta: { createdAt: meta.createdAt, mcpctlVersion: meta.mcpctlVersion, source: meta.source },
    tables: tables as string[],
  };
}

/**
 * Reads and checks a logical backup whole: its header, every line, the row count and checksum of
 * its last line. A file that does not begin like one is INVALID_ARGUMENT; one that does but is cut
 * short, altered or malformed is STORE_CORRUPT. Its schema version is the caller's to judge.
 */
export function readLogicalBackup(file: string): LogicalBackup {
  const bytes = statSync(file).size;
  const buffer = readFileSync(file);
  if (!isLogicalHeader(buffer)) {
    throw new McpctlError('INVALID_ARGUMENT', `${file} is not an mcpctl backup: not a logical backup`, {
      hint: "give a file made by 'mcpctl backup create'",
    });
  }
  const text = buffer.toString('utf8');
  if (!text.endsWith('\n')) throw damaged(file, 'truncated: it does not end with its closing line');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  const body = text.slice(0, lastStart);
  const end = parseLine(file, text.slice(lastStart, -1), -1).end as { rows?: unknown; sha256?: unknown } | undefined;
  if (typeof end?.rows !== 'number' || typeof end.sha256 !== 'string') {
    throw damaged(file, 'truncated: its closing line (row count and checksum) is missing');
  }
  if (createHash('sha256').update(body).digest('hex') !== end.sha256) {
    throw damaged(file, 'its checksum does not match its contents');
  }
  const lines = body.split('\n');
  lines.pop(); // after the body's last newline
  const header = readHeader(file, lines[0] ?? '');
  const rows = new Map<string, Array<Record<string, unknown>>>(header.tables.map((table) => [table, []]));
  for (let i = 1; i < lines.length; i++) {
    const line = parseLine(file, lines[i] as string, i + 1);
    const table = typeof line.t === 'string' ? rows.get(line.t) : undefined;
    if (table === undefined || typeof line.r !== 'object' || line.r === null) {
      throw damaged(file, `line ${i + 1} is not a row of a table its header names`);
    }
    table.push(line.r as Record<string, unknown>);
  }
  if (lines.length - 1 !== end.rows)
    throw damaged(file, `it holds ${lines.length - 1} rows, not the ${end.rows} it says`);
  return { ...header, bytes, rows };
}
