import { describe, expect, it } from 'vitest';
import { isOlderVersion } from '../../../src/store/postgres/versionGuard.js';

describe('isOlderVersion', () => {
  it('compares dotted versions by number, a pre-release below its release', () => {
    expect(isOlderVersion('0.9.3', '0.10.1')).toBe(true);
    expect(isOlderVersion('0.10.1', '0.9.3')).toBe(false);
    expect(isOlderVersion('1.2.3', '1.2.3')).toBe(false);
    expect(isOlderVersion('1.2.3-rc.1', '1.2.3')).toBe(true);
    expect(isOlderVersion('1.2.3', '1.2.3-rc.1')).toBe(false);
    expect(isOlderVersion('v2.0.0', '10.0.0')).toBe(true);
  });

  it('cannot compare what is not a version', () => {
    expect(isOlderVersion('dev', '0.1.0')).toBeUndefined();
  });
});
