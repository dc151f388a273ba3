import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import { renderProfileDetail, renderProfileTable } from '../../../../src/cli/output/profiles.js';
import type { ProfileDetail, ProfileView } from '../../../../src/core/api.js';

const plain = createPalette(false);

function profileView(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    name: 'work',
    description: 'day job',
    current: false,
    members: [
      { server: 'fs', env: { ROOT: '/srv' }, instance: 'fs@0123456789', state: 'running' },
      { server: 'slack', env: {}, instance: 'slack', state: 'missing' },
    ],
    naming: { separator: '__', prefixFirst: true },
    filters: { allow: [], deny: [] },
    tools: { mode: 'all', pin: [] },
    overrides: {},
    listTimeoutMs: 2000,
    createdAt: '2025-01-31T12:00:00.000Z',
    updatedAt: '2025-01-31T12:30:00.000Z',
    ...overrides,
  };
}

describe('renderProfileTable', () => {
  it('marks the current profile with * and counts members', () => {
    const table = renderProfileTable(
      [
        profileView(),
        profileView({ name: 'home', current: true, description: null, tools: { mode: 'search', pin: [] } }),
      ],
      { headers: true },
    );
    expect(table).toBe(
      [
        'CURRENT   NAME   MEMBERS   MODE     DESCRIPTION',
        '          work   2         all      day job',
        '*         home   2         search',
        '',
      ].join('\n'),
    );
  });
});

describe('renderProfileDetail', () => {
  it('prints settings and members, and says when the catalog is not available', () => {
    const text = renderProfileDetail({ ...profileView(), catalog: null }, plain);
    expect(text).toContain('Naming:        SERVER__TOOL\n');
    expect(text).toContain('Filters:       <none>\n');
    expect(text).toMatch(/^ {2}fs\s+running\s+fs@0123456789\s+ROOT=\/srv$/m);
    expect(text).toMatch(/^ {2}slack\s+missing\s+slack\s+-$/m);
    expect(text).toContain('Catalog:  not available');
  });

  it("prints each member's tools as clients see them beside the member's own names, and the collisions", () => {
    const detail: ProfileDetail = {
      ...profileView({
        tools: { mode: 'search', pin: ['fs__read_*'] },
        naming: { separator: '_', prefixFirst: false },
        filters: { allow: ['fs__*'], deny: ['*delete*'] },
        overrides: { fs__read_file: { rename: 'read', description: 'Reads' } },
      }),
      catalog: {
        members: [
          {
            server: 'fs',
            state: 'ready',
            tools: [
              { name: 'read', original: 'read_file' },
              { name: 'fs_a_very_long_tool_name_shortened_1a2b', original: 'a_very_long_tool_name_that_goes_on' },
            ],
            prompts: [{ name: 'fs_summarize', original: 'summarize' }],
            resources: 3,
            resourceTemplates: 1,
          },
          {
            server: 'slack',
            state: 'hung',
            detail: 'tools/list missed its 2s deadline',
            tools: [],
            prompts: [],
            resources: 0,
            resourceTemplates: 0,
          },
        ],
        collisions: [{ kind: 'resource', name: 'file:///x', winner: 'fs', losers: ['slack'] }],
      },
    };
    const text = renderProfileDetail(detail, plain);
    expect(text).toContain('Tools:         search (pinned: fs__read_*)\n');
    expect(text).toContain("Naming:        SERVER_TOOL, the first member's tools unprefixed\n");
    expect(text).toContain('Filters:       allow fs__*\n               deny *delete*\n');
    expect(text).toContain('Overrides:     fs__read_file -> read "Reads"\n');
    expect(text).toMatch(/^ {2}fs\s+ready\s+tool\s+read\s+read_file$/m);
    expect(text).toMatch(
      /^ {2}fs\s+ready\s+tool\s+fs_a_very_long_tool_name_shortened_1a2b\s+a_very_long_tool_name_that_goes_on$/m,
    );
    expect(text).toMatch(/^ {2}fs\s+ready\s+prompt\s+fs_summarize\s+summarize$/m);
    expect(text).toMatch(/^ {2}slack\s+hung \(tools\/list missed its 2s deadline\)\s+-\s+-\s+-$/m);
    expect(text).toContain('  fs: 2 tools, 1 prompts, 3 resources, 1 templates\n');
    expect(text).toContain('Collisions:\n  resource file:///x: served by fs, not by slack\n');
  });
});
