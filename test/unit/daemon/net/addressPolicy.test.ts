import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AddressKind, addressKind, assertPublicUpstream } from '../../../../src/daemon/net/addressPolicy.js';
import { ipv6Bytes } from '../../../../src/daemon/net/embeddedIpv4.js';
import { fuzzParameters } from '../../../fuzz/fuzzRuns.js';

describe('addressKind', () => {
  it('calls private, link-local and metadata addresses private, in IPv4, IPv6 and IPv4-mapped forms', () => {
    for (const address of [
      '10.0.0.1',
      '10.255.255.255',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.10',
      '169.254.169.254',
      '169.254.0.1',
      '100.64.0.1',
      '0.0.0.0',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      '::',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '[fd00::1]',
    ]) {
      expect(addressKind(address), address).toBe('private');
    }
  });

  it('lets loopback and public addresses through', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(addressKind(address), address).toBe('loopback');
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '2001:db8::1', '1.1.1.1']) {
      expect(addressKind(address), address).toBe('public');
    }
  });
});

/** Eight groups of hex, each cut to its digits or padded to four (the fully written form). */
const hex = (bytes: number[], pad = 0): string =>
  Array.from({ length: 8 }, (_, i) =>
    (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16).padStart(pad, '0'),
  ).join(':');
const octets = (ipv4: string): number[] => ipv4.split('.').map(Number);

/** IPv6 addresses embedding `ipv4`, and how a loopback IPv4 reads in each (this host only when mapped). */
const EMBEDDINGS: Array<{ form: string; write(ipv4: string): string; loopback: AddressKind }> = [
  { form: 'mapped', write: (v4) => `::ffff:${v4}`, loopback: 'loopback' },
  {
    form: 'mapped, hex',
    write: (v4) => hex([...new Array(10).fill(0), 0xff, 0xff, ...octets(v4)]),
    loopback: 'loopback',
  },
  { form: 'SIIT translated', write: (v4) => `::ffff:0:${v4}`, loopback: 'private' },
  { form: 'NAT64 well-known', write: (v4) => `64:ff9b::${v4}`, loopback: 'private' },
  { form: 'NAT64 local /96', write: (v4) => `64:ff9b:1::${v4}`, loopback: 'private' },
  { form: '6to4', write: (v4) => hex([0x20, 0x02, ...octets(v4), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), loopback: 'private' },
  {
    form: 'Teredo server',
    write: (v4) => hex([0x20, 0x01, 0, 0, ...octets(v4), 0, 0, 0, 0, 0xf7, 0xf7, 0xf7, 0xf7]), // client 8.8.8.8
    loopback: 'private',
  },
  {
    form: 'Teredo client',
    write: (v4) => hex([0x20, 0x01, 0, 0, 8, 8, 8, 8, 0, 0, 0, 0, ...octets(v4).map((o) => o ^ 0xff)]),
    loopback: 'private',
  },
];

/** IPv4 addresses from every range the policy distinguishes, and from anywhere. */
const ipv4s = fc.oneof(
  fc.ipV4(),
  ...[
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '169.254.0.0/16',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '0.0.0.0/8',
  ].map((cidr) => {
    const [base = '', bits] = cidr.split('/');
    const start = octets(base).reduce((n, o) => n * 256 + o, 0);
    return fc
      .integer({ min: 0, max: 2 ** (32 - Number(bits)) - 1 })
      .map((offset) => [24, 16, 8, 0].map((shift) => ((start + offset) >>> shift) & 0xff).join('.'));
  }),
);

describe('IPv6 addresses embedding an IPv4 one', () => {
  it('are as private as the IPv4 they embed, in every form (NAT64, 6to4, Teredo, mapped, translated)', () => {
    fc.assert(
      fc.property(ipv4s, fc.constantFrom(...EMBEDDINGS), (ipv4, embedding) => {
        const kind = addressKind(ipv4);
        return addressKind(embedding.write(ipv4)) === (kind === 'loopback' ? embedding.loopback : kind);
      }),
      fuzzParameters(500),
    );
  });

  it('read the same in hex, dotted and fully written forms', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const bytes = ipv6Bytes(address);
        const kind = addressKind(address);
        return bytes.length === 16 && addressKind(hex(bytes, 4)) === kind && addressKind(hex(bytes)) === kind;
      }),
      fuzzParameters(500),
    );
  });

  it('names the metadata service and internal hosts behind a NAT64 gateway or a 6to4 relay', () => {
    for (const address of [
      '64:ff9b::169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '[64:ff9b::10.0.0.1]',
      '64:ff9b::7f00:1',
      '64:ff9b:1::c0a8:1',
      // Another layout of the local-use prefix (/48: 169.254.169.254 around the u octet) cannot be read: private.
      '64:ff9b:1:a9fe:a9:fe00::',
      '64:ff9b:1:0:808:800::',
      '2002:a9fe:a9fe::1',
      '2002:c0a8:101::',
      '2001:0:a00:1::',
      '::ffff:0:10.1.2.3',
      '::10.0.0.1',
      '::2',
      'fe80::1%eth0',
    ]) {
      expect(addressKind(address), address).toBe('private');
    }
    for (const address of ['64:ff9b::8.8.8.8', '64:ff9b:1::808:808', '2002:808:808::1', '::ffff:7f00:1']) {
      expect(addressKind(address), address).toBe(address.startsWith('::ffff') ? 'loopback' : 'public');
    }
  });
});

describe('assertPublicUpstream', () => {
  it('refuses a literal or a name resolving to a private address, saying which and how to allow it', async () => {
    await expect(assertPublicUpstream('http://169.254.169.254/latest')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringContaining('http://169.254.169.254/latest is a private, link-local or metadata address'),
      hint: expect.stringContaining('--allow-private'),
    });
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    await expect(assertPublicUpstream('https://intranet.example/mcp', resolve)).rejects.toThrow(
      'https://intranet.example/mcp resolves to 10.1.2.3, which is a private',
    );
    // A NAT64 DNS64 answer for the metadata service is refused like the IPv4 itself.
    await expect(
      assertPublicUpstream('https://rebind.example/mcp', async () => [{ address: '64:ff9b::a9fe:a9fe', family: 6 }]),
    ).rejects.toThrow('resolves to 64:ff9b::a9fe:a9fe, which is a private');
    await expect(assertPublicUpstream('http://[64:ff9b::a9fe:a9fe]/mcp')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('passes loopback, public addresses and names that do not resolve now (checked again at connect)', async () => {
    await assertPublicUpstream('http://127.0.0.1:8080/mcp');
    await assertPublicUpstream('http://[::1]:8080/mcp');
    await assertPublicUpstream('https://example.com/mcp', async () => [{ address: '93.184.216.34', family: 4 }]);
    await assertPublicUpstream('https://offline.example/mcp', async () => {
      throw new Error('ENOTFOUND');
    });
  });
});
