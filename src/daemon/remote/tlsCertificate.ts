import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { McpctlError } from '../../shared/errors.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the certificate (DER), `AB:CD:...` as openssl and browsers print it. */
  fingerprint: string;
  /** Where the pair lives, for `daemon status`. */
  certFile: string;
  selfSigned: boolean;
}

/**
 * The listener's certificate: the configured files, else a self-signed pair generated once in
 * `<state>/tls/` with the system's openssl (no hand-written ASN.1) and kept, so that the
 * fingerprint clients pinned stays valid across restarts.
 */
export function loadTlsMaterial(options: {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  stateDir: string;
  /** Names and addresses the generated certificate covers. */
  altNames: string[];
}): TlsMaterial {
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    return read(options.certFile, options.keyFile, false);
  }
  const dir = join(options.stateDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) generate(dir, certFile, keyFile, options.altNames);
  return read(certFile, keyFile, true);
}

function read(certFile: string, keyFile: string, selfSigned: boolean): TlsMaterial {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
  } catch (cause) {
    throw new McpctlError('CONFIG_INVALID', `cannot read the TLS certificate or key (${certFile}, ${keyFile})`, {
      hint: 'check listen.tlsCert and listen.tlsKey (or --tls-cert/--tls-key): both PEM files, readable by the daemon',
      cause,
    });
  }
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(cert).fingerprint256;
  } catch (cause) {
    throw new McpctlError('CONFIG_INVALID', `${certFile} is not a PEM certificate`, {
      hint: 'give a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE-----)',
      cause,
    });
  }
  return { cert, key, fingerprint, certFile, selfSigned };
}

function generate(dir: string, certFile: string, keyFile: string, altNames: string[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const san = [...new Set(['localhost', '127.0.0.1', '::1', ...altNames])]
    .map((name) => (/^[\d.]+$/.test(name) || name.includes(':') ? `IP:${name}` : `DNS:${name}`))
    .join(',');
  const tmpCert = `${certFile}.${process.pid}.tmp`;
  const tmpKey = `${keyFile}.${process.pid}.tmp`;
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-sha256',
      '-days',
      '3650',
      '-subj',
      '/CN=mcpctl daemon',
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      tmpKey,
      '-out',
      tmpCert,
    ],
    { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: '/dev/null' }, timeout: 30_000 },
  );
  if (result.error !== undefined || result.status !== 0) {
    rmSync(tmpCert, { force: true });
    rmSync(tmpKey, { force: true });
    throw new McpctlError('CONFIG_INVALID', 'cannot generate a self-signed TLS certificate for the remote listener', {
      hint: `install openssl, or give your own pair with --tls-cert/--tls-key (${result.error?.message ?? result.stderr.trim()})`,
    });
  }
  // Key first: a cert without its key would be taken as a complete pair next time.
  renameSync(tmpKey, keyFile);
  renameSync(tmpCert, certFile);
}
