import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLI_NODE, EVERYTHING } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

let h: E2eHome;
beforeAll(async () => {
  h = e2eHome();
  const add = await h.run(['server', 'add', 'everything', '--', process.execPath, EVERYTHING, 'stdio']);
  expect(add.code, add.stderr).toBe(0);
});
afterAll(async () => {
  await h.dispose();
});

interface Answer {
  jsonrpc?: string;
  id?: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** `mcpctl connect NAME` as a client launches it, with stdout read line by line. */
class Bridge {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private buffer = '';
  private wake: (() => void) | undefined;
  stderr = '';

  constructor(name: string) {
    this.child = spawn(CLI_NODE, [CLI, 'connect', name], {
      env: { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0' },
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline = this.buffer.indexOf('\n');
      while (newline !== -1) {
        this.lines.push(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
        newline = this.buffer.indexOf('\n');
      }
      this.wake?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /**
   * The next answer on stdout, parsed: stdout must carry nothing but JSON. The server's own
   * notifications (the bridge's GET stream carries them) are skipped.
   */
  async next(): Promise<Answer> {
    for (;;) {
      while (this.lines.length === 0) {
        if (this.child.exitCode !== null) throw new Error(`the bridge exited: ${this.stderr}`);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      const message = JSON.parse(this.lines.shift() as string) as Answer & { method?: string };
      if (message.method === undefined) return message;
    }
  }
}

const rpc = (id: number, method: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params });

describe('B1: the stdio bridge fed malformed JSON-RPC', () => {
  it('B1: mcpctl connect answers bad lines with -32700/-32600 (id null), an oversized line with an error, and stays up', async () => {
    const bridge = new Bridge('everything');
    bridge.send(
      rpc(0, 'initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'bad-stdio', version: '1' },
      }),
    );
    expect((await bridge.next()).result?.protocolVersion).toBe('2025-11-25');
    bridge.send('{"jsonrpc":"2.0","method":"notifications/initialized"}');

    const cases: Array<[string, string, number]> = [
      ['truncated JSON', '{"jsonrpc": "2.0", "id": 1,', -32700],
      ['not JSON at all', 'not json', -32700],
      ['JSON that is not JSON-RPC', '{"hello":"world"}', -32600],
      ['wrong jsonrpc version', '{"jsonrpc":"1.0","id":2,"method":"ping"}', -32600],
      ['a JSON array on 2025-11-25', `[${rpc(3, 'ping')}]`, -32600],
    ];
    for (const [what, line, code] of cases) {
      bridge.send(line);
      const answer = await bridge.next();
      expect(answer, what).toMatchObject({ jsonrpc: '2.0', id: null, error: { code } });
    }

    // B2: a line over the gateway's 4 MiB cap is dropped by the bridge (its memory stays bounded), with an error line.
    bridge.send(rpc(4, 'tools/call', { name: 'echo', arguments: { message: 'x'.repeat(5 << 20) } }));
    const oversized = await bridge.next();
    // Answered under its own id (read from the line's head), so the client is not left waiting.
    expect(oversized.id).toBe(4);
    expect(oversized.error?.message).toMatch(/exceeds 4194304 bytes/);

    bridge.send(rpc(5, 'ping'));
    expect(await bridge.next()).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
    bridge.send(rpc(6, 'tools/call', { name: 'echo', arguments: { message: 'still here' } }));
    expect(await bridge.next()).toMatchObject({ id: 6, result: { content: [{ text: 'Echo: still here' }] } });

    bridge.child.stdin.end();
    const [code] = (await once(bridge.child, 'exit')) as [number | null];
    expect(code, bridge.stderr).toBe(0);
  });
});
