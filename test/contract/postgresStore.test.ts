import { describe } from 'vitest';
import { silentLogger } from '../../src/shared/logger.js';
import { openPostgresStore } from '../../src/store/postgres/postgresStore.js';
import { usePostgres } from '../helpers/postgres.js';
import { storeContract } from './store.contract.js';

describe('the store contract on PostgreSQL', () => {
  const cluster = usePostgres();
  storeContract({
    async open(options) {
      const url = await cluster().createDatabase();
      const openAt = () => openPostgresStore({ url, logger: silentLogger, ...options });
      return { store: await openAt(), reopen: openAt };
    },
  });
});
