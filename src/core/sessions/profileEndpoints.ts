import { AggregateBackend, type MemberSink } from '../../protocol/aggregate/aggregateBackend.js';
import type { AggregateMember, MemberLiveness, ToolSearchMode } from '../../protocol/aggregate/types.js';
import type { SessionBackend } from '../../protocol/session.js';
import type { Logger } from '../../shared/logger.js';
import { aggregateSettings } from '../profiles/aggregateSettings.js';
import type { ProfileCatalogView } from '../profiles/catalog.js';
import type { ProfileMember, ProfileSpec } from '../profiles/definition.js';
import { serverOfInstance } from '../profiles/instanceIdentity.js';
import type { ProfileSource } from '../profiles/source.js';

/** What the gateway host knows of each instance (by key, instanceIdentity.ts), as profile members read it. */
export interface MemberDirectory {
  /** The key of the instance serving `server` with a member's env laid over its own. */
  instanceOf(server: string, env: Readonly<Record<string, string>>): string;
  backend(instance: string): SessionBackend | undefined;
  state(instance: string): MemberLiveness;
  detail(instance: string): string | undefined;
}

/** Until the store's profiles are wired in, the gateway serves none. */
export const NO_PROFILES: ProfileSource = { get: () => undefined, onChange: () => {} };

/**
 * The aggregated endpoints of the profiles (`/profiles/NAME/mcp`): one AggregateBackend per
 * profile, made at its first request, following the ProfileSource's changes and the members'
 * comings and goings.
 */
export class ProfileEndpoints {
  private readonly aggregates = new Map<string, AggregateBackend>();
  /** One member object per instance, so a profile's update keeps the catalogs of members it keeps. */
  private readonly members = new Map<string, AggregateMember>();

  constructor(
    private readonly deps: {
      source: ProfileSource;
      directory: MemberDirectory;
      logger: Logger;
      version?: string;
      /** Search mode's tool index (protocol/aggregate/toolSearch.ts); without it `--tools search` lists all tools. */
      search?: (spec: ProfileSpec) => ToolSearchMode | undefined;
      /** Counts each profile's calls and errors by member (metrics); absent: not counted. */
      memberSink?: (profile: string) => MemberSink;
    },
  ) {
    deps.source.onChange((name) => this.profileChanged(name));
  }

  has(name: string): boolean {
    return this.deps.source.get(name) !== undefined;
  }

  /** The profile's backend, or undefined when there is no such profile. */
  backend(name: string): AggregateBackend | undefined {
    const existing = this.aggregates.get(name);
    if (existing !== undefined) return existing;
    const spec = this.deps.source.get(name);
    if (spec === undefined) return undefined;
    const backend = new AggregateBackend({
      settings: this.settings(spec),
      logger: this.deps.logger.child({ profile: name }),
      ...(this.deps.version === undefined ? {} : { version: this.deps.version }),
      ...(this.deps.memberSink === undefined ? {} : { members: this.deps.memberSink(name) }),
    });
    this.aggregates.set(name, backend);
    return backend;
  }

  /**
   * An instance came up, went down or was replaced: every profile with a member of its server
   * follows (a profile served by another instance of it sees the same backend and changes nothing).
   */
  memberChanged(instance: string): void {
    const server = serverOfInstance(instance);
    for (const aggregate of this.aggregates.values()) aggregate.memberChanged(server);
  }

  /** Which instance serves which member changed (a server's env was edited): every profile re-routes. */
  refresh(): void {
    for (const name of [...this.aggregates.keys()]) this.profileChanged(name);
  }

  async catalog(name: string): Promise<ProfileCatalogView | undefined> {
    return this.backend(name)?.catalog();
  }

  sessionInfo(profile: string, sessionId: string): ReturnType<AggregateBackend['sessionInfo']> {
    return this.aggregates.get(profile)?.sessionInfo(sessionId);
  }

  close(reason: string): void {
    for (const aggregate of this.aggregates.values()) aggregate.shutdown(reason);
    this.aggregates.clear();
  }

  private profileChanged(name: string): void {
    const aggregate = this.aggregates.get(name);
    if (aggregate === undefined) return;
    const spec = this.deps.source.get(name);
    if (spec === undefined) {
      this.aggregates.delete(name);
      aggregate.shutdown(`profile ${name} was removed`);
    } else {
      aggregate.update(this.settings(spec));
      // A member now served by another instance (its env changed): its sessions move to that one.
      for (const member of spec.members) aggregate.memberChanged(member.server);
      this.forgetUnused();
    }
  }

  /** Member objects of instances no profile routes to any more. */
  private forgetUnused(): void {
    const used = new Set<string>();
    for (const name of this.aggregates.keys()) {
      const spec = this.deps.source.get(name);
      for (const member of spec?.members ?? []) used.add(this.deps.directory.instanceOf(member.server, member.env));
    }
    for (const key of [...this.members.keys()]) if (!used.has(key)) this.members.delete(key);
  }

  private settings(spec: ProfileSpec) {
    return aggregateSettings(spec, (server, member) => this.member(server, member), this.deps.search?.(spec));
  }

  /**
   * Members are routed by instance: the server's own, or the one its effective configuration (the
   * member's env over the server's) names. Its name stays the server's: the prefix of its tools.
   */
  private member(server: string, profileMember: ProfileMember): AggregateMember {
    const { directory } = this.deps;
    const key = directory.instanceOf(server, profileMember.env);
    let member = this.members.get(key);
    if (member === undefined) {
      member = {
        name: server,
        backend: () => directory.backend(key),
        state: () => directory.state(key),
        detail: () => directory.detail(key),
      };
      this.members.set(key, member);
    }
    return member;
  }
}
