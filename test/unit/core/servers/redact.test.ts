import { describe, expect, it } from 'vitest';
import { secretReference as ref } from '../../../../src/core/secrets/references.js';
import { MASK, maskSensitive } from '../../../../src/core/servers/redact.js';

describe('maskSensitive', () => {
  it('masks credential-like names, and shows values that only refer to secrets', () => {
    expect(
      maskSensitive({
        API_KEY: 'plain-key',
        TOKEN: ref('T'),
        Authorization: `Bearer ${ref('T')}`,
        'X-Auth': `${ref('A')}:${ref('B')}`,
        PASSWORD: `hunter2${ref('P')}`,
        HOME: '/home/u',
      }),
    ).toEqual({
      API_KEY: MASK,
      TOKEN: ref('T'),
      Authorization: `Bearer ${ref('T')}`,
      'X-Auth': MASK,
      PASSWORD: MASK,
      HOME: '/home/u',
    });
  });
});
