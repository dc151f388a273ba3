import { errorResponse, isRequest, type JsonRpcMessage, RPC_ERROR } from '../jsonrpc.js';
import { SHARED_CLIENT_CAPABILITIES } from '../multiplex/clientCapabilities.js';
import type { SessionBackend } from '../session.js';
import { LATEST_PROTOCOL_VERSION } from '../versions.js';
import type { Limiter } from './limiter.js';
import { MemberLink } from './memberLink.js';
import type { AggregateMember, MemberCatalogState } from './types.js';

export const LIST_KINDS = ['tools', 'prompts', 'resources', 'resourceTemplates'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export type Item = Record<string, unknown>;

const METHOD: Record<ListKind, string> = {
  tools: 'tools/list',
  prompts: 'prompts/list',
  resources: 'resources/list',
  resourceTemplates: 'resources/templates/list',
};
const CAPABILITY: Record<ListKind, string> = {
  tools: 'tools',
  prompts: 'prompts',
  resources: 'resources',
  resourceTemplates: 'resources',
};
/** A member that paginates is followed to the end, but not forever. */
const MAX_PAGES = 1000;

export interface CatalogHooks {
  /** A fresh session id on the member's backend for the catalog session. */
  sessionId(): string;
  /** Bounds how many members open their catalog session and list at once... */
  limiter: Limiter;
  /** ...each holding its turn at most this long, so a hung member cannot keep the others waiting. */
  turnMs(): number;
  /** The member's lists (of these kinds) or its availability changed. */
  changed(catalog: MemberCatalog, kinds: readonly ListKind[]): void;
}

/**
 * One member's lists as the profile serves them, fetched through a session the aggregator
 * holds on the member (its "catalog session"), following pagination to the end, refreshed when
 * the member says a list changed, and dropped when the member goes away.
 */
export class MemberCatalog {
  /** The member's initialize result on the catalog session; undefined while it has none. */
  init: Record<string, unknown> | undefined;
  readonly lists: Partial<Record<ListKind, Item[]>> = {};
  /** Tool and prompt names it had before it went away: a call to one is told which server is gone. */
  vanished: Partial<Record<'tools' | 'prompts', Item[]>> = {};
  /** It missed the list deadline and has not answered since. */
  hung = false;
  /** Why its last fetch failed. */
  failure: string | undefined;
  private link: MemberLink | undefined;
  /** Lists the member said changed: still served until the fetch that replaces them is done. */
  private readonly stale = new Set<ListKind>();
  private loading: Promise<void> | undefined;

  constructor(
    readonly member: AggregateMember,
    private readonly hooks: CatalogHooks,
  ) {}

  get name(): string {
    return this.member.name;
  }

  /** Serving now: it is up and the catalog session is initialized. */
  get available(): boolean {
    return this.init !== undefined && this.link !== undefined && !this.link.closed && this.member.state() === 'ready';
  }

  get isLoading(): boolean {
    return this.loading !== undefined;
  }

  /** Whether it has every list its capabilities promise (so a list call need not wait for it). */
  get complete(): boolean {
    return this.available && this.missingKinds().every((kind) => this.stale.has(kind));
  }

  state(): MemberCatalogState {
    const liveness = this.member.state();
    if (liveness !== 'ready') return liveness;
    return this.hung ? 'hung' : 'ready';
  }

  detail(): string | undefined {
    return this.member.detail?.() ?? this.failure;
  }

  capabilities(): Record<string, unknown> {
    const capabilities = this.init?.capabilities;
    return isRecord(capabilities) ? capabilities : {};
  }

  /** Starts fetching what is missing (initialize, lists), unless it already is; resolves when done. */
  load(): Promise<void> {
    if (this.loading !== undefined) return this.loading;
    if (this.member.state() !== 'ready' || this.member.backend() === undefined) return Promise.resolve();
    let fetched: Promise<void> | undefined;
    const turn = this.hooks.limiter.run(() => {
      fetched = this.fetch();
      return withinMs(fetched, this.hooks.turnMs());
    });
    const loading = turn
      .then(() => fetched)
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    this.loading = loading;
    return loading;
  }

  /** The list deadline passed while it was still loading: it shows as hung until it answers. */
  missedDeadline(): void {
    if (this.loading !== undefined) this.hung = true;
  }

  /**
   * The member's state or backend may have changed: a catalog session on a backend that is no
   * longer the member's is let go (its lists with it), and a member that is up is loaded.
   */
  sync(): void {
    const backend = this.member.state() === 'ready' ? this.member.backend() : undefined;
    if (this.link !== undefined && (backend === undefined || this.link.backend !== backend || this.link.closed)) {
      this.link.end();
      this.drop();
    }
    if (backend !== undefined) void this.load();
  }

  /** The member left the profile. */
  dispose(): void {
    this.link?.end();
    this.link = undefined;
  }

  private async fetch(): Promise<void> {
    const fetched: ListKind[] = [];
    try {
      const link = await this.ensureLink();
      if (link === undefined) return;
      for (let kind = this.missingKinds()[0]; kind !== undefined; kind = this.missingKinds()[0]) {
        this.stale.delete(kind);
        this.lists[kind] = await this.fetchAll(link, kind);
        fetched.push(kind);
      }
      this.hung = false;
      this.failure = undefined;
    } catch (error) {
      this.failure = (error as Error).message;
    } finally {
      if (fetched.length > 0) this.hooks.changed(this, fetched);
    }
  }

  private async ensureLink(): Promise<MemberLink | undefined> {
    if (this.link !== undefined && !this.link.closed && this.init !== undefined) return this.link;
    const backend = this.member.backend();
    if (backend === undefined) return undefined;
    const link = this.openLink(backend);
    this.link = link;
    const init = await link.request('initialize', {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: SHARED_CLIENT_CAPABILITIES,
      clientInfo: { name: 'mcpctl-profile-catalog', version: '1' },
    });
    if (link.closed || this.link !== link) return undefined;
    link.notify('notifications/initialized');
    // A session that sets no level wants every log line, which would keep a shared member at its most
    // verbose for a session that reads none: the catalog session asks for the least.
    if (isRecord(init.capabilities) && init.capabilities.logging !== undefined) {
      void link.request('logging/setLevel', { level: 'emergency' }).catch(() => {});
    }
    this.init = init;
    this.hooks.changed(this, []);
    return link;
  }

  private openLink(backend: SessionBackend): MemberLink {
    return new MemberLink(this.member.name, backend, this.hooks.sessionId(), {
      message: (link, message) => this.fromMember(link, message),
      closed: (link) => {
        if (this.link !== link) return;
        this.drop();
        this.hooks.changed(this, LIST_KINDS);
      },
    });
  }

  private fromMember(link: MemberLink, message: JsonRpcMessage): void {
    if (isRequest(message)) {
      // The catalog session serves no tool call, so it has no client to ask.
      link.send(errorResponse(message.id, RPC_ERROR.methodNotFound, 'the profile catalog session takes no requests'));
      return;
    }
    if (!('method' in message)) return;
    const kinds = listChangedKinds(message.method);
    if (kinds === undefined) return;
    for (const kind of kinds) this.stale.add(kind);
    // Fetched again at once (the fetch reports the change); until then the old list is served.
    void this.load();
  }

  private drop(): void {
    if (this.lists.tools !== undefined) this.vanished.tools = this.lists.tools;
    if (this.lists.prompts !== undefined) this.vanished.prompts = this.lists.prompts;
    this.link = undefined;
    this.init = undefined;
    this.hung = false;
    this.stale.clear();
    for (const kind of LIST_KINDS) delete this.lists[kind];
  }

  private missingKinds(): ListKind[] {
    const capabilities = this.capabilities();
    return LIST_KINDS.filter(
      (kind) =>
        (this.lists[kind] === undefined || this.stale.has(kind)) && capabilities[CAPABILITY[kind]] !== undefined,
    );
  }

  private async fetchAll(link: MemberLink, kind: ListKind): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: unknown;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await link.request(METHOD[kind], typeof cursor === 'string' ? { cursor } : undefined);
      const listed = result[kind];
      if (Array.isArray(listed)) for (const item of listed) if (isRecord(item)) items.push(item);
      cursor = result.nextCursor;
      if (typeof cursor !== 'string' || cursor === '') break;
    }
    return items;
  }
}

/** Resolves when `promise` settles or `ms` pass, whichever is first (never rejects). */
function withinMs(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.catch(() => {}), elapsed]).finally(() => clearTimeout(timer));
}

function listChangedKinds(method: string): ListKind[] | undefined {
  if (method === 'notifications/tools/list_changed') return ['tools'];
  if (method === 'notifications/prompts/list_changed') return ['prompts'];
  if (method === 'notifications/resources/list_changed') return ['resources', 'resourceTemplates'];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
