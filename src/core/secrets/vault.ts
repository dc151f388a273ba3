import { McpctlError } from '../../shared/errors.js';
import type { SecretRepository, StoredSecret } from '../../store/types.js';
import { seal, unseal } from './cipher.js';
import { type KeySource, newKey } from './keySlots.js';
import { findSlot, type MasterKey, type MasterKeyOptions, settleKey } from './masterKey.js';

export interface SecretVaultOptions extends MasterKeyOptions {
  secrets: SecretRepository;
  /**
   * TEST ONLY (MCPCTL_TEST_ROTATION_PAUSE_MS): how long a rotation pauses on each secret inside its
   * transaction, so a test can kill the daemon in the middle of one.
   */
  rotationPauseMs?: number;
}

export type SecretInfo = Pick<StoredSecret, 'name' | 'createdAt' | 'updatedAt'>;

export interface VaultStatus {
  /** null: no master key yet (the first `secret set` makes one). */
  keySource: KeySource | null;
  keyFile: string;
  count: number;
  /** Why secrets cannot be used now (a wrong MCPCTL_MASTER_KEY), or null. */
  problem: string | null;
}

function unknownSecret(name: string): McpctlError {
  return new McpctlError('NOT_FOUND', `no secret named '${name}'`, {
    hint: `list secrets with 'mcpctl secret ls'; set one with 'mcpctl secret set ${name}'`,
  });
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The daemon's secrets: values in, ciphertext to the store, values out only to the process
 * launcher (`resolve`). Operations run one at a time, so a rotation never interleaves with a write.
 */
export class SecretVault {
  private key: MasterKey | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SecretVaultOptions) {}

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The master key, settled against the store once; `create`: make one when there is none. */
  private async masterKey(create: true): Promise<MasterKey>;
  private async masterKey(create: false): Promise<MasterKey | undefined>;
  private async masterKey(create: boolean): Promise<MasterKey | undefined> {
    if (this.key) return this.key;
    const keyIds = await this.options.secrets.keyIds();
    // A new key only for an empty store: one made beside existing secrets could never open them.
    const slot = await findSlot(this.options, create && keyIds.length === 0);
    if (!slot) {
      if (keyIds.length === 0) return undefined;
      throw new McpctlError(
        'CONFIG_INVALID',
        `there are secrets (key id ${keyIds.join(', ')}) but no master key: none in the keyring, no MCPCTL_MASTER_KEY, no key file ${this.options.keyFile}`,
        {
          hint: `restore the key file ${this.options.keyFile}, or set MCPCTL_MASTER_KEY to the key the secrets were set with, then restart the daemon`,
        },
      );
    }
    this.key = await settleKey(slot, keyIds);
    return this.key;
  }

  /**
   * The master key's bytes, for keys derived from it (the cluster's node credential); undefined
   * when there is none (none is made for this: a node of a cluster is given the shared one).
   */
  keyMaterial(): Promise<Buffer | undefined> {
    return this.exclusive(async () => (await this.masterKey(false))?.key);
  }

  set(name: string, value: string): Promise<{ secret: SecretInfo; created: boolean }> {
    return this.exclusive(async () => {
      const { key } = await this.masterKey(true);
      const { secret, created } = await this.options.secrets.put(name, seal(key, name, value));
      return { secret: info(secret), created };
    });
  }

  async list(): Promise<SecretInfo[]> {
    return (await this.options.secrets.list()).map(info);
  }

  /** Needs no key: a secret under a lost key can still be removed. */
  remove(name: string): Promise<void> {
    return this.exclusive(async () => {
      if (!(await this.options.secrets.remove(name))) throw unknownSecret(name);
    });
  }

  async has(name: string): Promise<boolean> {
    return (await this.options.secrets.get(name)) !== undefined;
  }

  /**
   * A new master key for every secret. Ordered so that a kill at any point leaves each secret
   * readable: (1) the new key is stored as the slot's pending key; (2) one transaction re-encrypts
   * every secret under it (until its COMMIT the store holds the old ciphertexts); (3) the pending
   * key replaces the old one. At the next start `settleKey` finishes (2 committed) or undoes it.
   */
  rotate(): Promise<{ count: number; keyId: string; source: KeySource }> {
    return this.exclusive(async () => {
      const old = await this.masterKey(true);
      const next = newKey();
      await old.slot.writePending(next);
      const pauseMs = this.options.rotationPauseMs ?? 0;
      let count: number;
      try {
        count = await this.options.secrets.resealAll((secret) => {
          if (pauseMs > 0) pause(pauseMs);
          return seal(next, secret.name, unseal(old.key, secret.name, secret));
        });
      } catch (error) {
        await old.slot.dropPending().catch(() => undefined);
        throw error;
      }
      if (pauseMs > 0) pause(pauseMs);
      await old.slot.promote(next);
      this.key = await settleKey(old.slot, await this.options.secrets.keyIds());
      return { count, keyId: this.key.keyId, source: old.slot.source };
    });
  }

  /**
   * The values of `names`, for a process being spawned or an upstream being connected, and for
   * nothing else. An unknown name is NOT_FOUND naming it (`what` says who asked).
   */
  async resolve(names: readonly string[], what: string): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    if (names.length === 0) return values;
    const stored = await Promise.all(names.map((name) => this.options.secrets.get(name)));
    const missing = names.filter((_, index) => stored[index] === undefined);
    if (missing.length > 0) {
      const list = missing.map((name) => `'${name}'`).join(', ');
      throw new McpctlError(
        'NOT_FOUND',
        `${what} refers to ${missing.length > 1 ? 'secrets' : 'the secret'} ${list}, which ${missing.length > 1 ? 'are' : 'is'} not set`,
        {
          hint: `set it with 'mcpctl secret set ${missing[0]}' (the value is read from stdin or a hidden prompt), then start the server again`,
        },
      );
    }
    const { key } = await this.masterKey(true);
    for (const secret of stored as StoredSecret[]) values.set(secret.name, unseal(key, secret.name, secret));
    return values;
  }

  async status(): Promise<VaultStatus> {
    const count = (await this.options.secrets.list()).length;
    try {
      const key = await this.masterKey(false);
      return { keySource: key?.slot.source ?? null, keyFile: this.options.keyFile, count, problem: null };
    } catch (error) {
      const slot = await findSlot(this.options, false).catch(() => undefined);
      return {
        keySource: slot?.source ?? null,
        keyFile: this.options.keyFile,
        count,
        problem: (error as Error).message,
      };
    }
  }
}

function info(secret: StoredSecret): SecretInfo {
  return { name: secret.name, createdAt: secret.createdAt, updatedAt: secret.updatedAt };
}
