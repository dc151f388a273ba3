import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigDocument } from '../../../src/core/config/configFile.js';
import { resolveSettings } from '../../../src/core/config/settingOrigins.js';
import { loadSettings } from '../../../src/core/config/settings.js';
import { resolvePaths } from '../../../src/shared/paths.js';
import { postgresLocation, withoutPassword } from '../../../src/store/postgres/location.js';
import { postgresFailure } from '../../../src/store/postgres/pgErrors.js';

const PASSWORD = 's3cr/t pw';
const URL_WITH_PASSWORD = `postgres://mcpctl:${encodeURIComponent(PASSWORD)}@db.internal:6543/state?sslmode=require`;

describe('postgresLocation', () => {
  it('names host:port/db, with the defaults libpq takes, and a socket folder given as ?host=', () => {
    expect(postgresLocation(URL_WITH_PASSWORD)).toEqual({ target: 'db.internal:6543/state', password: PASSWORD });
    expect(postgresLocation('postgresql://me@db/')).toEqual({ target: 'db:5432/me', password: '' });
    expect(postgresLocation('postgres://u@localhost/x?host=%2Ftmp%2Fpg&port=7').target).toBe('/tmp/pg:7/x');
  });

  it('refuses what is not a PostgreSQL URL with CONFIG_INVALID, never quoting it', () => {
    for (const url of ['db.internal:5432', 'mysql://root:hunter2@db/x', 'postgres://root:hunter2@[bad/x']) {
      let error: unknown;
      try {
        postgresLocation(url);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringContaining('postgres://') });
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('scrubs the password, raw or URL-encoded, from any text', () => {
    expect(withoutPassword(`a ${PASSWORD} b ${encodeURIComponent(PASSWORD)}`, PASSWORD)).toBe('a *** b ***');
    expect(withoutPassword('nothing', '')).toBe('nothing');
  });
});

describe('postgresFailure', () => {
  const location = postgresLocation(URL_WITH_PASSWORD);
  const withCode = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('says STORE_UNAVAILABLE (exit 6) for a server that cannot be reached, naming the host and the reason', () => {
    for (const error of [
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:6543'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('28P01', `password authentication failed for user "mcpctl" (${PASSWORD})`),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const failure = postgresFailure(error, location);
      expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE', exitCode: 6 });
      expect(failure?.message).toContain('cannot reach the store postgres db.internal:6543/state: ');
      expect(failure?.message).not.toContain(PASSWORD);
    }
  });

  it('says STORE_WRITE_FAILED for a refused write, and nothing for an error of the statement itself', () => {
    expect(postgresFailure(withCode('53100', 'could not extend file'), location)).toMatchObject({
      code: 'STORE_WRITE_FAILED',
      message: expect.stringContaining('disk full: could not write to the store postgres db.internal:6543/state'),
    });
    expect(postgresFailure(withCode('23505', 'duplicate key'), location)).toBeUndefined();
    expect(postgresFailure(new Error('boom'), location)).toBeUndefined();
  });
});

describe('the store.url setting', () => {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-storeurl-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const paths = resolvePaths({ MCPCTL_HOME: home });

  it('is read from MCPCTL_STORE_URL, absent by default (the SQLite file)', async () => {
    expect((await loadSettings(paths, {})).store.url).toBeUndefined();
    expect((await loadSettings(paths, { MCPCTL_STORE_URL: URL_WITH_PASSWORD })).store.url).toBe(URL_WITH_PASSWORD);
  });

  it('refuses a URL that is not PostgreSQL with CONFIG_INVALID (exit 3), without quoting it', async () => {
    const error = await loadSettings(paths, { MCPCTL_STORE_URL: 'mysql://root:hunter2@db/x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 3 });
    expect((error as Error).message).toContain('store.url: expected postgres://');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('shows the password as *** in config ls', async () => {
    const config = await readConfigDocument(paths.configFile);
    const rows = resolveSettings(config, { MCPCTL_STORE_URL: URL_WITH_PASSWORD });
    const row = rows.find((setting) => setting.key === 'store.url');
    expect(row).toMatchObject({ source: 'env', origin: 'MCPCTL_STORE_URL' });
    expect(row?.value).toBe('postgres://mcpctl:***@db.internal:6543/state?sslmode=require');
  });
});
