import { resolve } from 'node:path';
import { LOCAL_CONTEXT, readContexts, writeContexts } from '../../../core/contexts/contextFile.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const FINGERPRINT = /^(sha256[: ]?)?([0-9a-f]{2}:){31}[0-9a-f]{2}$/i;

export function addContext(
  inv: Invocation,
  name: string,
  flags: { url: string; tokenFile: string; ca?: string; fingerprint?: string },
): void {
  if (!NAME.test(name) || name === LOCAL_CONTEXT) {
    throw new McpctlError('INVALID_ARGUMENT', `'${name}' cannot name a context`, {
      hint: "1-63 characters of a-z, 0-9, '.', '_' or '-'; 'local' is built in",
    });
  }
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search !== '' || url.username !== '') {
    throw new McpctlError('INVALID_ARGUMENT', `--url must be https://HOST:PORT, not '${flags.url}'`, {
      hint: "the address the daemon serves with --listen (its 'daemon status' prints it)",
    });
  }
  if ((flags.ca === undefined) === (flags.fingerprint === undefined)) {
    throw new McpctlError('INVALID_ARGUMENT', 'give --ca FILE or --fingerprint SHA256 (one of them)', {
      hint: "a self-signed daemon: --fingerprint with the value its 'mcpctl daemon status' prints",
    });
  }
  if (flags.fingerprint !== undefined && !FINGERPRINT.test(flags.fingerprint)) {
    throw new McpctlError('INVALID_ARGUMENT', `--fingerprint '${flags.fingerprint}' is not a SHA-256 fingerprint`, {
      hint: 'write it as 32 hex pairs separated by colons (AB:CD:...)',
    });
  }
  const document = readContexts(inv.ctx.paths);
  document.contexts[name] = {
    url: url.origin,
    tokenFile: resolve(inv.ctx.cwd, flags.tokenFile),
    ...(flags.ca === undefined ? {} : { ca: resolve(inv.ctx.cwd, flags.ca) }),
    ...(flags.fingerprint === undefined
      ? {}
      : { fingerprint: flags.fingerprint.replace(/^sha256[: ]?/i, '').toUpperCase() }),
  };
  writeContexts(inv.ctx.paths, document);
  inv.out.out(`added context ${name} (${url.origin}); use it with: mcpctl context use ${name}`);
}

export async function listContexts(inv: Invocation): Promise<void> {
  const document = readContexts(inv.ctx.paths);
  const current = inv.globals.context ?? document.current ?? LOCAL_CONTEXT;
  const rows = [
    { name: LOCAL_CONTEXT, url: 'unix socket', trust: '-' },
    ...Object.entries(document.contexts).map(([name, entry]) => ({
      name,
      url: entry.url,
      trust: entry.fingerprint !== undefined ? `fingerprint ${entry.fingerprint.slice(0, 11)}...` : `ca ${entry.ca}`,
    })),
  ].map((row) => ({ current: row.name === current, ...row }));
  if (inv.out.machine) return inv.out.data(rows);
  inv.out.out(
    renderTable(
      ['CURRENT', 'NAME', 'URL', 'TRUST'],
      rows.map((row) => [row.current ? '*' : '', row.name, row.url, row.trust]),
      { headers: inv.out.headers },
    ),
  );
}

export function useContext(inv: Invocation, name: string): void {
  const document = readContexts(inv.ctx.paths);
  if (name !== LOCAL_CONTEXT && document.contexts[name] === undefined) throw unknownContext(name);
  writeContexts(inv.ctx.paths, { ...document, current: name === LOCAL_CONTEXT ? null : name });
  inv.out.out(`now using context ${name}`);
}

export function removeContext(inv: Invocation, name: string): void {
  const document = readContexts(inv.ctx.paths);
  if (document.contexts[name] === undefined) throw unknownContext(name);
  delete document.contexts[name];
  writeContexts(inv.ctx.paths, {
    current: document.current === name ? null : document.current,
    contexts: document.contexts,
  });
  inv.out.out(`removed context ${name}`);
}

function unknownContext(name: string): McpctlError {
  return new McpctlError('NOT_FOUND', `no context named '${name}'`, { hint: "list them with 'mcpctl context ls'" });
}
