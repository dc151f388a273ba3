import * as sdk from '@modelcontextprotocol/sdk/types.js';
import { expect, it } from 'vitest';
import * as ours from '../../../src/protocol/versions.js';

it('names the same protocol versions as the SDK', () => {
  expect(ours.LATEST_PROTOCOL_VERSION).toBe(sdk.LATEST_PROTOCOL_VERSION);
  expect([...ours.SUPPORTED_PROTOCOL_VERSIONS]).toEqual([...sdk.SUPPORTED_PROTOCOL_VERSIONS]);
  expect(ours.DEFAULT_NEGOTIATED_PROTOCOL_VERSION).toBe(sdk.DEFAULT_NEGOTIATED_PROTOCOL_VERSION);
});
