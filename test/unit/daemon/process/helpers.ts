import { existsSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const TREE_FIXTURE = fileURLToPath(new URL('../../../fixtures/process/tree.mjs', import.meta.url));

/** True while /proc shows `pid` as a live (non-zombie) process. */
export function runsInProc(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The first complete line a stream prints. */
export function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\n');
      if (end >= 0) {
        stream.off('data', onData);
        resolve(buffer.slice(0, end));
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before a line: ${buffer}`)));
  });
}

export interface TreeReport {
  pid: number;
  grandchild: number | null;
}

export async function readTreeReport(stream: Readable): Promise<TreeReport> {
  return JSON.parse(await firstLine(stream)) as TreeReport;
}
