import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import { Limiter } from './limiter.js';
import { MemberCatalog } from './memberCatalog.js';
import { buildView, type MergedView } from './mergedView.js';
import type { AggregateCatalogView, AggregateSettings } from './types.js';

export type ChangedList = keyof MergedView['fingerprints'];

/**
 * What a profile serves, across its members: their catalogs in profile order, the merged view
 * built from them once per change, the list deadline, and which lists clients must be told changed.
 */
export class ProfileCatalog {
  private catalogs: MemberCatalog[] = [];
  private readonly byName = new Map<string, MemberCatalog>();
  private readonly limiter: Limiter;
  /** undefined = to rebuild: a member's lists, its availability or the profile changed. */
  private view: MergedView | undefined;
  /** What the sessions were last told they can list; a difference sends list_changed. */
  private published: MergedView['fingerprints'] | undefined;
  private publishQueued = false;
  private nextSession = 1;
  /** Catalog session ids must not collide with another aggregate's on the same backend (a profile recreated). */
  private readonly sessionTag = randomBytes(6).toString('hex');

  constructor(
    private current: AggregateSettings,
    private readonly options: {
      logger: Logger;
      concurrency: number;
      /** What clients see of these lists changed. */
      changed(list: ChangedList): void;
    },
  ) {
    this.limiter = new Limiter(options.concurrency);
    this.setMembers();
  }

  get settings(): AggregateSettings {
    return this.current;
  }

  get members(): readonly MemberCatalog[] {
    return this.catalogs;
  }

  get(name: string): MemberCatalog | undefined {
    return this.byName.get(name);
  }

  /** Takes the profile's new settings; returns the names of the members that left it. */
  update(settings: AggregateSettings): string[] {
    this.current = settings;
    const left = this.setMembers();
    this.invalidate();
    return left;
  }

  /** The view sessions are answered from (rebuilt only after a change). */
  currentView(): MergedView {
    this.view ??= buildView(this.current, this.catalogs);
    return this.view;
  }

  /** What `profile show` prints. */
  async catalogView(): Promise<AggregateCatalogView> {
    await this.settle();
    return buildView(this.current, this.catalogs).catalog;
  }

  /** Whether a list must wait: a member that is up has lists not fetched yet and has not missed a deadline. */
  mustWait(): boolean {
    for (const catalog of this.catalogs) if (this.waitsFor(catalog)) return true;
    return false;
  }

  /** Loads the members that are up, waiting for them no longer than the profile's list deadline. */
  async settle(): Promise<void> {
    const loads = this.catalogs.filter((catalog) => this.waitsFor(catalog)).map((catalog) => catalog.load());
    if (loads.length === 0) return;
    const { listTimeoutMs, name } = this.current;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, listTimeoutMs);
    });
    await Promise.race([Promise.all(loads), deadline]);
    clearTimeout(timer);
    for (const catalog of this.catalogs) {
      if (!catalog.isLoading || catalog.hung) continue;
      catalog.missedDeadline();
      this.options.logger.warn(
        { profile: name, member: catalog.name },
        `server '${catalog.name}' did not list its tools within ${listTimeoutMs} ms; profile ${name} answers without it`,
      );
      this.view = undefined;
    }
  }

  /** The members' capabilities together, with list changes always on: members come and go. */
  capabilities(): Record<string, unknown> {
    let subscribe = false;
    let completions = false;
    const experimental: Record<string, unknown> = {};
    for (const catalog of this.catalogs) {
      if (!catalog.available) continue;
      const capabilities = catalog.capabilities();
      const resources = capabilities.resources as { subscribe?: unknown } | undefined;
      if (resources?.subscribe === true) subscribe = true;
      if (capabilities.completions !== undefined) completions = true;
      if (isRecord(capabilities.experimental)) Object.assign(experimental, capabilities.experimental);
    }
    const union: Record<string, unknown> = {
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { listChanged: true, subscribe },
      logging: {},
    };
    if (completions) union.completions = {};
    if (Object.keys(experimental).length > 0) union.experimental = experimental;
    return union;
  }

  /** The members' instructions, each under its member's name. */
  instructions(): string | undefined {
    const parts: string[] = [];
    for (const catalog of this.catalogs) {
      const text = catalog.init?.instructions;
      if (typeof text === 'string' && text.trim() !== '') parts.push(`## ${catalog.name}\n${text.trim()}`);
    }
    return parts.length === 0 ? undefined : parts.join('\n\n');
  }

  /** Something the sessions see may have changed: rebuilt and compared once, after the current turn. */
  invalidate(): void {
    this.view = undefined;
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      this.publishQueued = false;
      this.publish();
    });
  }

  dispose(): void {
    for (const catalog of this.catalogs) catalog.dispose();
  }

  private waitsFor(catalog: MemberCatalog): boolean {
    return !catalog.hung && !catalog.complete && catalog.member.state() === 'ready';
  }

  private publish(): void {
    const next = this.currentView().fingerprints;
    const previous = this.published;
    this.published = next;
    if (previous === undefined) return;
    for (const list of ['tools', 'prompts', 'resources'] as const) {
      if (previous[list] !== next[list]) this.options.changed(list);
    }
  }

  private setMembers(): string[] {
    const left: string[] = [];
    const names = new Set(this.current.members.map((member) => member.name));
    for (const [name, catalog] of this.byName) {
      if (names.has(name)) continue;
      catalog.dispose();
      this.byName.delete(name);
      left.push(name);
    }
    const next: MemberCatalog[] = [];
    for (const member of this.current.members) {
      let catalog = this.byName.get(member.name);
      if (catalog === undefined || catalog.member !== member) {
        catalog?.dispose();
        catalog = new MemberCatalog(member, {
          sessionId: () => `profile-catalog:${this.current.name}:${this.sessionTag}:${this.nextSession++}`,
          limiter: this.limiter,
          turnMs: () => this.current.listTimeoutMs,
          changed: () => this.invalidate(),
        });
        this.byName.set(member.name, catalog);
      }
      next.push(catalog);
    }
    this.catalogs = next;
    return left;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
