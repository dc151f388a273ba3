import { AggregateBackend, type MemberSink } from '../../protocol/aggregate/aggregateBackend.js';
import type { AggregateMember, MemberLiveness, ToolSearchMode } from '../../protocol/aggregate/types.js';
import type { SessionBackend } from '../../protocol/session.js';
import type { Logger } from '../../shared/logger.js';
import { aggregateSettings } from '../profiles/aggregateSettings.js';
import type { ProfileCatalogView } from '../profiles/catalog.js';
import type { ProfileSpec } from '../profiles/definition.js';
import type { ProfileSource } from '../profiles/source.js';

/** What the gateway host knows of each server, as profile members read it. */
export interface MemberDirectory {
  backend(server: string): SessionBackend | undefined;
  state(server: string): MemberLiveness;
  detail(server: string): string | undefined;
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
  /** One member object per server, so a profile's update keeps the catalogs of members it keeps. */
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

  /** A server came up, went down or was replaced: every profile it belongs to follows. */
  memberChanged(server: string): void {
    for (const aggregate of this.aggregates.values()) aggregate.memberChanged(server);
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
    }
  }

  private settings(spec: ProfileSpec) {
    return aggregateSettings(spec, (server) => this.member(server), this.deps.search?.(spec));
  }

  /**
   * Members are routed by server name. The seam for per-profile instances (a member with env of
   * its own runs as its own instance): this lookup would key by the effective configuration.
   */
  private member(server: string): AggregateMember {
    let member = this.members.get(server);
    if (member === undefined) {
      const { directory } = this.deps;
      member = {
        name: server,
        backend: () => directory.backend(server),
        state: () => directory.state(server),
        detail: () => directory.detail(server),
      };
      this.members.set(server, member);
    }
    return member;
  }
}
