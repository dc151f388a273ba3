import { describe, expect, it } from 'vitest';
import { addressKind, assertPublicUpstream } from '../../../../src/daemon/net/addressPolicy.js';

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
