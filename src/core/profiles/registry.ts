import { byCodePoint } from '../../shared/compare.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { JsonObject, Store } from '../../store/types.js';
import { parseInput } from '../validation.js';
import { type ProfileSpec, profileSpecSchema } from './definition.js';
import type { ProfileSource } from './source.js';

export interface ProfileEntry {
  spec: ProfileSpec;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileRegistryDeps {
  store: Store;
  logger: Logger;
}

/**
 * The instances profiles need (members with env of their own run as instances of their own,
 * instanceIdentity.ts), kept in step with every change: `prepare` brings up what the profiles
 * will need before the change is written and served (a new instance that does not come up refuses
 * the change), `settle` ends what no profile needs once it is served.
 */
export interface ProfileInstanceHooks {
  prepare(next: readonly ProfileSpec[]): Promise<void>;
  settle(): Promise<void>;
}

/**
 * The profiles of this daemon, held in memory for the gateway's synchronous reads and written
 * through to the store: every change is committed first and only then visible, so a failed write
 * (STORE_WRITE_FAILED) changes nothing and a kill -9 loses nothing that was answered.
 */
export class ProfileRegistry implements ProfileSource {
  private readonly profiles = new Map<string, ProfileEntry>();
  private readonly listeners: Array<(name: string) => void> = [];
  private currentName: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private instances: ProfileInstanceHooks | undefined;

  constructor(private readonly deps: ProfileRegistryDeps) {}

  /** Wired once the supervisor exists (it is made after the profiles are loaded). */
  keepInstancesWith(hooks: ProfileInstanceHooks): void {
    this.instances = hooks;
  }

  /** Reads the store (at daemon start); a definition this version cannot read is logged and skipped. */
  async load(): Promise<void> {
    const { store, logger } = this.deps;
    this.profiles.clear();
    for (const row of await store.profiles.list()) {
      try {
        const spec = parseInput(profileSpecSchema, row.spec, `stored profile '${row.name}'`);
        this.profiles.set(row.name, { spec, createdAt: row.createdAt, updatedAt: row.updatedAt });
      } catch (error) {
        logger.error({ profile: row.name, err: (error as Error).message }, 'skipping an unreadable profile');
      }
    }
    this.currentName = await store.profiles.current();
  }

  get(name: string): ProfileSpec | undefined {
    return this.profiles.get(name)?.spec;
  }

  /** Throws NOT_FOUND (exit 8) for an unknown profile. */
  entry(name: string): ProfileEntry {
    const entry = this.profiles.get(name);
    if (!entry) throw unknownProfile(name);
    return entry;
  }

  list(): ProfileEntry[] {
    return [...this.profiles.values()].sort((a, b) => byCodePoint(a.spec.name, b.spec.name));
  }

  /** The profile `connect` uses when given none; null when none is set. */
  current(): string | null {
    return this.currentName;
  }

  onChange(listener: (name: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs `work` after every earlier one has finished: a read-check-write (an edit, a membership
   * check against the servers, a `server rm` that must not race a new member) sees no other change.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Adds a new profile; ALREADY_EXISTS when the name is taken. */
  async create(spec: ProfileSpec): Promise<ProfileEntry> {
    return this.changing(this.specsWith([spec]), async () => {
      const row = await this.deps.store.profiles.insert({ name: spec.name, spec: toJson(spec) });
      return this.commit(spec, row);
    });
  }

  /** Creates the profile or replaces its definition (apply -f, edits). */
  async put(spec: ProfileSpec): Promise<ProfileEntry> {
    if (!this.profiles.has(spec.name)) return this.create(spec);
    return this.changing(this.specsWith([spec]), async () => {
      const [row] = await this.deps.store.profiles.update([{ name: spec.name, spec: toJson(spec) }]);
      return this.commit(spec, row as { createdAt: string; updatedAt: string });
    });
  }

  /** Replaces several existing profiles in one transaction: all of them change, or none. */
  async putAll(specs: readonly ProfileSpec[]): Promise<ProfileEntry[]> {
    for (const spec of specs) this.entry(spec.name);
    return this.changing(this.specsWith(specs), async () => {
      const rows = await this.deps.store.profiles.update(
        specs.map((spec) => ({ name: spec.name, spec: toJson(spec) })),
      );
      return specs.map((spec, index) => this.commit(spec, rows[index] as { createdAt: string; updatedAt: string }));
    });
  }

  /** false when there was no such profile. Removing the current profile leaves none current. */
  async remove(name: string): Promise<boolean> {
    return this.changing(this.specsWithout(name), async () => {
      const removed = await this.deps.store.profiles.remove(name);
      if (!this.profiles.delete(name)) return removed;
      if (this.currentName === name) this.currentName = null;
      this.deps.logger.info({ profile: name }, 'profile removed');
      this.changed(name);
      return true;
    });
  }

  /** Every profile as it will be: `specs` replacing (or joining) those of their names. */
  private specsWith(specs: readonly ProfileSpec[]): ProfileSpec[] {
    const names = new Set(specs.map((spec) => spec.name));
    return [
      ...this.list()
        .map((entry) => entry.spec)
        .filter((spec) => !names.has(spec.name)),
      ...specs,
    ];
  }

  private specsWithout(name: string): ProfileSpec[] {
    return this.list()
      .map((entry) => entry.spec)
      .filter((spec) => spec.name !== name);
  }

  /** A change with its instances kept in step: needed ones up first, unneeded ones gone after (even when it failed). */
  private async changing<T>(next: readonly ProfileSpec[], write: () => Promise<T>): Promise<T> {
    const hooks = this.instances;
    if (hooks === undefined) return write();
    try {
      await hooks.prepare(next);
      return await write();
    } finally {
      await hooks
        .settle()
        .catch((error: unknown) =>
          this.deps.logger.error({ err: (error as Error).message }, 'could not stop the instances no profile needs'),
        );
    }
  }

  /**
   * Profile `name` as another node left it in the store (the change feed): created, changed or
   * removed here as a local change would, without writing it. Its instances follow, but one that
   * does not come up here is logged, not a refusal: the change is already committed.
   */
  adoptStored(name: string): Promise<void> {
    return this.exclusive(async () => {
      const row = await this.deps.store.profiles.get(name);
      if (row === undefined) {
        if (!this.profiles.has(name)) return;
        await this.adopting(this.specsWithout(name), async () => {
          this.profiles.delete(name);
          if (this.currentName === name) this.currentName = null;
          this.deps.logger.info({ profile: name }, 'profile removed on another node');
          this.changed(name);
        });
        return;
      }
      const known = this.profiles.get(name);
      if (known !== undefined && known.updatedAt === row.updatedAt) return;
      let spec: ProfileSpec;
      try {
        spec = parseInput(profileSpecSchema, row.spec, `stored profile '${name}'`);
      } catch (error) {
        this.deps.logger.error({ profile: name, err: (error as Error).message }, 'skipping an unreadable profile');
        return;
      }
      await this.adopting(this.specsWith([spec]), async () => {
        this.commit(spec, row);
      });
    });
  }

  /** The current profile as the store has it (another node set or cleared it). */
  adoptStoredCurrent(): Promise<void> {
    return this.exclusive(async () => {
      this.currentName = await this.deps.store.profiles.current();
    });
  }

  /** `changing` for a change already written: a failed `prepare` is logged and the change applies anyway. */
  private async adopting(next: readonly ProfileSpec[], apply: () => Promise<void>): Promise<void> {
    const hooks = this.instances;
    await hooks
      ?.prepare(next)
      .catch((error: unknown) =>
        this.deps.logger.error(
          { err: (error as Error).message },
          "a profile instance of another node's change did not come up",
        ),
      );
    await apply();
    await hooks
      ?.settle()
      .catch((error: unknown) =>
        this.deps.logger.error({ err: (error as Error).message }, 'could not stop the instances no profile needs'),
      );
  }

  /** Makes `name` the current profile (null: none); NOT_FOUND for an unknown one. */
  async use(name: string | null): Promise<void> {
    if (name !== null) this.entry(name);
    await this.deps.store.profiles.setCurrent(name);
    this.currentName = name;
    this.deps.logger.info({ profile: name }, name === null ? 'current profile cleared' : 'current profile set');
  }

  private commit(spec: ProfileSpec, row: { createdAt: string; updatedAt: string }): ProfileEntry {
    const entry = { spec, createdAt: row.createdAt, updatedAt: row.updatedAt };
    const existed = this.profiles.has(spec.name);
    this.profiles.set(spec.name, entry);
    this.deps.logger.info(
      { profile: spec.name, members: spec.members.length },
      existed ? 'profile changed' : 'profile created',
    );
    this.changed(spec.name);
    return entry;
  }

  private changed(name: string): void {
    for (const listener of this.listeners) {
      try {
        listener(name);
      } catch (error) {
        this.deps.logger.error({ profile: name, err: (error as Error).message }, 'a profile listener failed');
      }
    }
  }
}

function toJson(spec: ProfileSpec): JsonObject {
  return spec as unknown as JsonObject;
}

export function unknownProfile(name: string): McpctlError {
  return new McpctlError('NOT_FOUND', `no profile named '${name}'`, {
    hint: "list profiles with 'mcpctl profile ls'; create one with 'mcpctl profile create NAME --server SERVER'",
  });
}
