import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import { renderServerDetail } from '../../../../src/cli/output/serverDetail.js';
import { serverDetail } from './fixtures.js';

const plain = createPalette(false);

describe('renderServerDetail: roots and the request timeout', () => {
  it('lists a shared server’s roots, one per line, and its request timeout with the most progress extends it to', () => {
    const text = renderServerDetail(serverDetail({ roots: ['/srv/a', '/srv/b'] }), plain);
    expect(text).toContain('\nRoots:       /srv/a\n             /srv/b\n');
    expect(text).toContain('request timeout 1m0s (progress extends it up to 10m0s)\n');
  });

  it('shows <none> for a shared server without roots, and no Roots line for an isolated one', () => {
    expect(renderServerDetail(serverDetail(), plain)).toContain('\nRoots:       <none>\n');
    const isolated = serverDetail({ sharing: { mode: 'isolated', pool: 1, maxSessions: 64 } });
    expect(renderServerDetail(isolated, plain)).not.toContain('Roots:');
  });
});
