/**
 * The IPv4 addresses an IPv6 address carries, for the private-address policy: a packet to
 * `64:ff9b::a9fe:a9fe` leaves a NAT64 gateway for 169.254.169.254, one to `2002:0a00:0001::` is
 * tunnelled to 10.0.0.1, so such an address is as private as the IPv4 it embeds.
 *
 * `mapped` (::ffff:0:0/96) is the IPv4 address itself on a dual-stack socket: 127.x stays this
 * host's loopback. In every other form the IPv4 is reached through a translator or relay, where
 * 127.x is that device's own loopback, not ours.
 */
export type EmbeddingForm = 'mapped' | 'translated' | 'compatible' | 'nat64' | '6to4' | 'teredo';

export interface EmbeddedIpv4 {
  ipv4: string;
  form: EmbeddingForm;
}

/**
 * Every IPv4 address `address` (a valid IPv6 literal, no brackets or zone) stands for; empty when
 * it embeds none. The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is read in its /96 layout,
 * `64:ff9b:1::a.b.c.d`; any other address in it may be another RFC 6052 layout its operator chose,
 * which cannot be told from the address, so it embeds nothing readable (and the policy's list of
 * private ranges holds the whole prefix).
 */
export function embeddedIpv4(address: string): EmbeddedIpv4[] {
  const b = ipv6Bytes(address);
  const zeros = (from: number, to: number): boolean => b.slice(from, to).every((byte) => byte === 0);
  const at = (...indexes: number[]): string => indexes.map((i) => b[i]).join('.');
  const last = at(12, 13, 14, 15);
  const word = (i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
  if (zeros(0, 10) && word(10) === 0xffff) return [{ ipv4: last, form: 'mapped' }];
  // ::ffff:0:a.b.c.d, the stateless translator's (SIIT) IPv4-translated form.
  if (zeros(0, 8) && word(8) === 0xffff && word(10) === 0) return [{ ipv4: last, form: 'translated' }];
  // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are the unspecified and loopback addresses.
  if (zeros(0, 12) && !(zeros(12, 15) && (b[15] ?? 0) <= 1)) return [{ ipv4: last, form: 'compatible' }];
  if (word(0) === 0x64 && word(2) === 0xff9b && (zeros(4, 12) || (word(4) === 1 && zeros(6, 12)))) {
    return [{ ipv4: last, form: 'nat64' }];
  }
  if (word(0) === 0x2002) return [{ ipv4: at(2, 3, 4, 5), form: '6to4' }];
  if (word(0) === 0x2001 && word(2) === 0) {
    // Teredo: the server's address as is, the client's (its NAT's public side) inverted.
    const client = [12, 13, 14, 15].map((i) => (b[i] ?? 0) ^ 0xff).join('.');
    return [
      { ipv4: at(4, 5, 6, 7), form: 'teredo' },
      { ipv4: client, form: 'teredo' },
    ];
  }
  return [];
}

/** The 16 bytes of a valid IPv6 literal (`::` shorthand and a trailing dotted quad allowed). */
export function ipv6Bytes(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let text = address;
  if (dotted) {
    const [p, q, r, s] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${address.slice(0, dotted.index)}${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const groups = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((hex) => Number.parseInt(hex, 16));
  const [head = '', tail] = text.split('::');
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}
