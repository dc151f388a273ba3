import type { MethodOutput } from '../../core/api.js';
import { renderTable } from './table.js';

/** `secret ls`: names and dates, never a value (the daemon has no way to answer one). */
export function renderSecretTable(secrets: MethodOutput<'listSecrets'>, options: { headers: boolean }): string {
  const rows = secrets.map((secret) => [
    secret.name,
    secret.createdAt,
    secret.updatedAt,
    secret.usedBy.length === 0 ? '-' : secret.usedBy.join(','),
  ]);
  return renderTable(['NAME', 'CREATED', 'UPDATED', 'USED BY'], rows, options);
}
