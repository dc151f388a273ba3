import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { silentLogger } from '../../src/shared/logger.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { storeContract } from './store.contract.js';

describe('the store contract on SQLite', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcpctl-contract-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let databases = 0;
  storeContract({
    async open(options) {
      const path = join(root, `db${++databases}`, 'mcpctl.db');
      const openAt = () => openSqliteStore({ path, logger: silentLogger, ...options });
      return { store: openAt(), reopen: async () => openAt() };
    },
  });
});
