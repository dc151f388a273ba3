import type { Store } from '../../store/types.js';
import type { ControlHandlers } from '../api.js';
import type { AuditEntryView } from './auditApi.js';
import type { AuditLog } from './auditLog.js';

export interface AuditHandlerDeps {
  store: Store;
  audit: AuditLog;
}

export function createAuditHandlers(deps: AuditHandlerDeps): Pick<ControlHandlers, 'listAudit'> {
  return {
    async listAudit({ since, principal, server, limit }) {
      // What was queued before this call is part of the answer.
      await deps.audit.flushed();
      const rows = await deps.store.audit.list({
        ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
        ...(principal === undefined ? {} : { principal }),
        ...(server === undefined ? {} : { server }),
        limit,
      });
      return rows as AuditEntryView[];
    },
  };
}
