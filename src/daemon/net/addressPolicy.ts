import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { McpctlError } from '../../shared/errors.js';
import { embeddedIpv4, ipv6Bytes } from './embeddedIpv4.js';

/**
 * Which addresses an http upstream may have. A server definition makes the daemon open
 * connections, so a URL naming an internal host (a router's admin page, a cloud's metadata
 * service at 169.254.169.254) would let whoever defines servers reach what the daemon's host
 * can reach: those are refused unless the definition says `allowPrivate`. Loopback stays
 * allowed: the daemon and a local server on the same machine are the common case.
 */
export type AddressKind = 'loopback' | 'private' | 'public';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');

const PRIVATE = new BlockList();
PRIVATE.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network": 0.0.0.0 reaches the host itself
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT, another internal range
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, the cloud metadata services included
PRIVATE.addAddress('::', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');
// Local-use NAT64 outside its /96 layout: what it translates to cannot be read (embeddedIpv4.ts).
PRIVATE.addSubnet('64:ff9b:1::', 48, 'ipv6');

export const PRIVATE_RANGES =
  '10/8, 172.16/12, 192.168/16, 100.64/10, 0/8, link-local 169.254/16 (cloud metadata), fc00::/7, fe80::/10, ' +
  'and IPv6 forms embedding those (::ffff:0:0/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo)';

function ipv4Kind(address: string): AddressKind {
  if (LOOPBACK.check(address, 'ipv4')) return 'loopback';
  return PRIVATE.check(address, 'ipv4') ? 'private' : 'public';
}

/**
 * An IP address (v4 or v6, brackets and a zone allowed) as loopback, private or public. An IPv6
 * address embedding IPv4 ones (embeddedIpv4.ts) is the most private of them: 127.x counts as
 * loopback only in the mapped form, behind a translator or relay it is that device's own.
 */
export function addressKind(address: string): AddressKind {
  const bracketless = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const bare = bracketless.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  if (family === 4) return ipv4Kind(bare);
  if (ipv6Bytes(bare).every((byte, i) => byte === (i === 15 ? 1 : 0))) return 'loopback';
  const kinds = embeddedIpv4(bare).map(({ ipv4, form }) => {
    const kind = ipv4Kind(ipv4);
    return kind === 'loopback' && form !== 'mapped' ? 'private' : kind;
  });
  // The embedded IPv4 decides where such a packet goes (no embedding form overlaps fc00::/7 or fe80::/10).
  if (kinds.includes('private')) return 'private';
  if (kinds.length > 0) return kinds.includes('loopback') ? 'loopback' : 'public';
  return PRIVATE.check(bare, 'ipv6') ? 'private' : 'public';
}

/** Resolves a host name to all its addresses: node's resolver, or a test's (the seam for DNS rebinding tests). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** The error for an upstream whose address is private; `host` is the URL's host as written. */
export function privateAddressRefused(url: string, address: string): McpctlError {
  const host = new URL(url).hostname;
  const resolved = host === address || host === `[${address}]` ? '' : ` resolves to ${address}, which`;
  return new McpctlError(
    'PERMISSION_DENIED',
    `the http upstream ${url}${resolved} is a private, link-local or metadata address (${PRIVATE_RANGES}); mcpctl does not connect to those unless told to`,
    { hint: 'if the daemon is meant to reach it, add --allow-private (mcpctl server set NAME --allow-private)' },
  );
}

/** The URL's host when it is an IP literal (no DNS, so no rebinding: one check suffices), else undefined. */
export function literalAddress(url: string): string | undefined {
  const host = new URL(url).hostname;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return isIP(bare) === 0 ? undefined : bare;
}

/**
 * The check of `server add`/`set`/`apply`: throws when the URL's host is, or resolves to, a private
 * address. A name that does not resolve now passes: the daemon may be offline, and every connect
 * checks again (guardedFetch.ts).
 */
export async function assertPublicUpstream(url: string, resolve: Resolve = systemResolve): Promise<void> {
  const literal = literalAddress(url);
  if (literal !== undefined) {
    if (addressKind(literal) === 'private') throw privateAddressRefused(url, literal);
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(new URL(url).hostname);
  } catch {
    return;
  }
  const refused = addresses.find((entry) => addressKind(entry.address) === 'private');
  if (refused) throw privateAddressRefused(url, refused.address);
}
