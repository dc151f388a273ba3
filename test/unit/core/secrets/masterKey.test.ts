import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf, seal } from '../../../../src/core/secrets/cipher.js';
import { fileSlot, newKey } from '../../../../src/core/secrets/keySlots.js';
import { findSlot, settleKey } from '../../../../src/core/secrets/masterKey.js';
import { SecretVault } from '../../../../src/core/secrets/vault.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import type { Store } from '../../../../src/store/types.js';

/** Where the master key comes from, and how an interrupted rotation settles, on real files and a real store. */
const homes: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function rig(): { home: string; keyFile: string; store: Store } {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-keys-'));
  homes.push(home);
  const store = openSqliteStore({ path: join(home, 'mcpctl.db'), logger: silentLogger });
  stores.push(store);
  return { home, keyFile: join(home, 'master.key'), store };
}

describe('findSlot', () => {
  it('falls back from a keyring that refuses writes (headless Linux) to a new 0600 key file', async () => {
    const { keyFile } = rig();
    const homeId = `test-${process.pid}-${Date.now()}`;
    const slot = await findSlot({ env: {}, keyFile, homeId }, true);
    expect(slot).toBeDefined();
    if (slot?.source === 'keyring') {
      // A desktop with a working keyring: it holds the key; leave nothing behind.
      const { AsyncEntry } = await import('@napi-rs/keyring');
      await new AsyncEntry('mcpctl', `master-key:${homeId}`).deletePassword();
      return;
    }
    expect(slot?.source).toBe('file');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('takes MCPCTL_MASTER_KEY over the key file, and creates nothing without `create`', async () => {
    const { keyFile } = rig();
    const env = { MCPCTL_NO_KEYRING: '1' };
    expect(await findSlot({ env, keyFile, homeId: 'x' }, false)).toBeUndefined();
    expect(existsSync(keyFile)).toBe(false);
    const slot = await findSlot({ env: { ...env, MCPCTL_MASTER_KEY: 'c'.repeat(64) }, keyFile, homeId: 'x' }, true);
    expect(slot?.source).toBe('env');
    expect((await slot?.read())?.toString('hex')).toBe('c'.repeat(64));
    expect(existsSync(keyFile)).toBe(false);
  });

  it('refuses a key file others can read, or one that holds no key', async () => {
    const { keyFile } = rig();
    writeFileSync(keyFile, `${newKey().toString('base64')}\n`, { mode: 0o644 });
    await expect(fileSlot(keyFile).read()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    chmodSync(keyFile, 0o600);
    writeFileSync(keyFile, 'not a key\n');
    await expect(fileSlot(keyFile).read()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('settleKey after a rotation a crash interrupted', () => {
  it('drops the pending key when the transaction did not commit (rows under the old key)', async () => {
    const { keyFile, store } = rig();
    const slot = fileSlot(keyFile);
    const old = await slot.create(newKey());
    await store.secrets.put('A', seal(old, 'A', 'value'));
    await slot.writePending(newKey());
    const settled = await settleKey(slot, await store.secrets.keyIds());
    expect(settled.keyId).toBe(keyIdOf(old));
    expect(existsSync(`${keyFile}.next`)).toBe(false);
  });

  it('promotes the pending key when the transaction committed (rows under the new key)', async () => {
    const { keyFile, store } = rig();
    const slot = fileSlot(keyFile);
    await slot.create(newKey());
    const next = newKey();
    await slot.writePending(next);
    await store.secrets.put('A', seal(next, 'A', 'value'));
    const settled = await settleKey(slot, await store.secrets.keyIds());
    expect(settled.keyId).toBe(keyIdOf(next));
    expect(existsSync(`${keyFile}.next`)).toBe(false);
    expect((await slot.read())?.equals(next)).toBe(true);
  });

  it('touches nothing when neither key opens the rows', async () => {
    const { keyFile, store } = rig();
    const slot = fileSlot(keyFile);
    await slot.create(newKey());
    await slot.writePending(newKey());
    await store.secrets.put('A', seal(newKey(), 'A', 'value'));
    const before = readFileSync(keyFile, 'utf8');
    await expect(settleKey(slot, await store.secrets.keyIds())).rejects.toThrow(
      /is not the one the secrets were encrypted with \(key id \w+\); nothing was changed/,
    );
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
    expect(existsSync(`${keyFile}.next`)).toBe(true);
  });
});

describe('SecretVault', () => {
  it('rotates every secret under a new key in one go, and resolves them after', async () => {
    const { keyFile, store } = rig();
    const vault = new SecretVault({ secrets: store.secrets, env: { MCPCTL_NO_KEYRING: '1' }, keyFile, homeId: 'x' });
    await vault.set('A', 'alpha');
    await vault.set('B', 'beta');
    const before = readFileSync(keyFile, 'utf8');
    expect(await vault.rotate()).toMatchObject({ count: 2, source: 'file' });
    expect(readFileSync(keyFile, 'utf8')).not.toBe(before);
    expect(await store.secrets.keyIds()).toHaveLength(1);
    expect(await vault.resolve(['A', 'B'], 'test')).toEqual(
      new Map([
        ['A', 'alpha'],
        ['B', 'beta'],
      ]),
    );
    await expect(vault.resolve(['C'], "server 'x'")).rejects.toThrow(
      "server 'x' refers to the secret 'C', which is not set",
    );
  });
});

describe('SecretVault without its key', () => {
  it('never makes a new key beside existing secrets: a clear error, and no key file appears', async () => {
    const { keyFile, store } = rig();
    const withEnv = new SecretVault({
      secrets: store.secrets,
      env: { MCPCTL_NO_KEYRING: '1', MCPCTL_MASTER_KEY: 'd'.repeat(64) },
      keyFile,
      homeId: 'x',
    });
    await withEnv.set('A', 'alpha');
    const without = new SecretVault({ secrets: store.secrets, env: { MCPCTL_NO_KEYRING: '1' }, keyFile, homeId: 'x' });
    await expect(without.set('B', 'beta')).rejects.toThrow(/there are secrets \(key id \w+\) but no master key/);
    await expect(without.resolve(['A'], 'test')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(existsSync(keyFile)).toBe(false);
    expect((await without.status()).problem).toContain('no master key');
    expect((await store.secrets.list()).map((secret) => secret.name)).toEqual(['A']);
  });
});
