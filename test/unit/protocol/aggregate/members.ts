import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { AggregateBackend } from '../../../../src/protocol/aggregate/aggregateBackend.js';
import type { AggregateMember, AggregateSettings, MemberLiveness } from '../../../../src/protocol/aggregate/types.js';
import { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { EVERYTHING, startUpstream, type Upstream } from '../multiplex/harness.js';

const MODULES = fileURLToPath(new URL('../../../../node_modules/@modelcontextprotocol/', import.meta.url));
export const MEMORY = join(MODULES, 'server-memory/dist/index.js');
export const FILESYSTEM = join(MODULES, 'server-filesystem/dist/index.js');
export const HANG = fileURLToPath(new URL('../../../fixtures/servers/hang.mjs', import.meta.url));

/** A real server under a real SharedUpstream, as a profile member whose liveness the test sets. */
export class LiveMember implements AggregateMember {
  liveness: MemberLiveness = 'ready';
  why: string | undefined;
  shared: SharedUpstream | undefined;
  upstream: Upstream | undefined;

  constructor(
    readonly name: string,
    private readonly start: () => Promise<Upstream>,
  ) {}

  async up(): Promise<void> {
    const upstream = await this.start();
    const shared = new SharedUpstream({
      identity: upstream.identity,
      send: (m) => upstream.send(m),
      logger: silentLogger,
      name: this.name,
    });
    upstream.attach(shared);
    this.upstream = upstream;
    this.shared = shared;
    this.liveness = 'ready';
    this.why = undefined;
  }

  /** As the daemon stops a server: its multiplexer ends every session, then the process goes. */
  async down(): Promise<void> {
    this.liveness = 'down';
    this.why = 'stopped';
    this.shared?.shutdown('stopped');
    this.shared = undefined;
    await this.upstream?.stop();
    this.upstream = undefined;
  }

  backend(): SharedUpstream | undefined {
    return this.liveness === 'ready' ? this.shared : undefined;
  }

  state(): MemberLiveness {
    return this.liveness;
  }

  detail(): string | undefined {
    return this.why;
  }
}

export function everything(name = 'everything'): LiveMember {
  return new LiveMember(name, () => startUpstream(EVERYTHING, ['stdio'], true));
}

export function memory(name = 'memory'): LiveMember {
  const dir = mkdtempSync(join(tmpdir(), 'mcpctl-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // The child's env, not process.env: unit files share their worker (isolate: false).
  return new LiveMember(name, () => startUpstream(MEMORY, [], false, { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') }));
}

export function filesystem(dir: string, name = 'filesystem'): LiveMember {
  return new LiveMember(name, () => startUpstream(FILESYSTEM, [dir], false));
}

export const ODD_NAMES = fileURLToPath(new URL('../../../fixtures/servers/oddNames.mjs', import.meta.url));

export function oddNames(name = 'odd'): LiveMember {
  return new LiveMember(name, () => startUpstream(ODD_NAMES, [], false));
}

export function hanging(name = 'stuck'): LiveMember {
  return new LiveMember(name, () => startUpstream(HANG, [], false, { HANG_AFTER_PINGS: '1000000' }));
}

/** Starts the members before the file's tests and stops them after. */
export function withMembers(members: LiveMember[]): void {
  beforeAll(async () => {
    await Promise.all(members.map((member) => member.up()));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(members.map((member) => member.upstream?.stop()));
  });
}

export function settings(members: AggregateMember[], overrides: Partial<AggregateSettings> = {}): AggregateSettings {
  return {
    name: 'work',
    members,
    separator: '__',
    prefixFirst: true,
    allows: () => true,
    overrides: {},
    listTimeoutMs: 2000,
    toolMode: 'all',
    ...overrides,
  };
}

export function aggregate(
  members: AggregateMember[],
  overrides: Partial<AggregateSettings> = {},
  pageSize?: number,
): AggregateBackend {
  return new AggregateBackend({
    settings: settings(members, overrides),
    logger: silentLogger,
    version: '9.9.9',
    ...(pageSize === undefined ? {} : { pageSize }),
  });
}
