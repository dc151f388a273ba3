import { PassThrough } from 'node:stream';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { runStdioBridge, type StdioBridgeOptions } from '../../../../src/protocol/stdioBridge.js';

export interface Line {
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** The client's initialize, as the tests send it (and expect it replayed, byte for byte). */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: { roots: { listChanged: true } },
    clientInfo: { name: 'driver', version: '4.5.6' },
  },
};

/**
 * A stdio client of the bridge, by hand: writes lines to its stdin, reads its stdout line by
 * line, and keeps what it warned on stderr. `outcome` settles when the bridge ends.
 */
export class BridgeDriver {
  readonly lines: Line[] = [];
  readonly warnings: string[] = [];
  readonly outcome: Promise<unknown>;
  private readonly input = new PassThrough();
  private readonly output = new PassThrough();
  private readonly waiters: Array<() => void> = [];
  private ended = false;

  constructor(options: Omit<StdioBridgeOptions, 'input' | 'output' | 'warn' | 'server'>) {
    let buffer = '';
    this.output.setEncoding('utf8');
    this.output.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        this.lines.push(JSON.parse(buffer.slice(0, newline)) as Line);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    const run = runStdioBridge({
      ...options,
      server: 'echo',
      input: this.input,
      output: this.output,
      warn: (message) => this.warnings.push(message),
    });
    this.outcome = run.then(
      () => 'ended',
      (error: unknown) => error,
    );
    void this.outcome.then(() => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  send(message: Record<string, unknown>): void {
    this.input.write(`${JSON.stringify(message)}\n`);
  }

  /** Sends a request and resolves with its answer (or rejects after `timeoutMs`). */
  async request(id: number, method: string, params: Record<string, unknown> = {}, timeoutMs = 5000): Promise<Line> {
    this.send({ jsonrpc: '2.0', id, method, params });
    return this.waitFor(
      `the answer to request ${id}`,
      (line) => line.id === id && line.method === undefined,
      timeoutMs,
    );
  }

  async initialize(): Promise<Line> {
    this.send(INITIALIZE);
    const answer = await this.waitFor('initialize', (line) => line.id === 1, 5000);
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return answer;
  }

  async waitFor(what: string, match: (line: Line) => boolean, timeoutMs = 5000): Promise<Line> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found !== undefined) return found;
      if (this.ended) throw new Error(`the bridge ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends stdin, as a client that exits does. */
  end(): Promise<unknown> {
    this.input.end();
    return this.outcome;
  }
}
