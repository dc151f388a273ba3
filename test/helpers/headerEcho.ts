import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from './cli.js';

/** The header-echo fixture (an SDK server over Streamable HTTP), running on a free port. */
export interface HeaderEcho {
  /** Its /mcp URL. */
  url: string;
  kill(): void;
}

/** Starts the header-echo fixture on a free port; resolves once it says where it listens. */
export function startHeaderEcho(): Promise<HeaderEcho> {
  const child = spawn(process.execPath, [join(FIXTURES, 'headerEcho.mjs'), '--http', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const port = /listening (\d+)/.exec(text)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}/mcp`, kill: () => child.kill('SIGKILL') });
    });
    child.on('exit', (code) => reject(new Error(`header-echo exited ${code}: ${text}`)));
  });
}
