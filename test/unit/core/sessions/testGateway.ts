import type { ProfileCatalogView } from '../../../../src/core/profiles/catalog.js';
import type { GatewayControl, LiveSession, SessionRecordEvent } from '../../../../src/core/sessions/gatewayControl.js';

/**
 * A small GatewayControl that holds sessions in a map and reports opens and closes
 * the way the real gateway host does; tests open and close sessions by hand.
 */
export class TestGateway implements GatewayControl {
  url: string | null = 'http://127.0.0.1:7711';
  port: number | null = 7711;
  readonly killed: Array<{ id: string; reason: string }> = [];
  private readonly sessions = new Map<string, LiveSession>();

  constructor(private readonly record: (event: SessionRecordEvent) => void = () => {}) {}

  open(overrides: Partial<LiveSession> & { id: string }): LiveSession {
    const startedAt = overrides.startedAt ?? Date.UTC(2025, 0, 1);
    const session: LiveSession = {
      server: 'everything',
      profile: null,
      transport: 'streamable-http',
      clientName: null,
      clientVersion: null,
      protocolVersion: null,
      startedAt,
      lastActivity: startedAt,
      idleSince: null,
      requests: 0,
      errors: 0,
      ...overrides,
    };
    this.sessions.set(session.id, session);
    this.record({ type: 'opened', session: { ...session } });
    return session;
  }

  /** Updates a live session's figures, as traffic would. */
  touch(id: string, change: Partial<LiveSession>): void {
    const session = this.sessions.get(id);
    if (session) Object.assign(session, change);
  }

  close(id: string, reason: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.record({ type: 'closed', session: { ...session }, reason });
    return true;
  }

  liveSessions(): LiveSession[] {
    return [...this.sessions.values()].map((session) => ({ ...session }));
  }

  killSession(id: string, reason: string): boolean {
    this.killed.push({ id, reason });
    return this.close(id, reason);
  }

  /** Profiles the tests' gateway serves: their catalogs, as the real gateway builds them. */
  readonly profiles = new Map<string, ProfileCatalogView>();

  hasProfile(name: string): boolean {
    return this.profiles.has(name);
  }

  async catalog(profile: string): Promise<ProfileCatalogView | undefined> {
    return this.profiles.get(profile);
  }
}
