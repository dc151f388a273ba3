import { describe, expect, it } from 'vitest';
import { renderApplyResult } from '../../../../src/cli/output/applyPlan.js';
import { createPalette } from '../../../../src/cli/output/colors.js';
import type { ApplyResult, ApplyStep } from '../../../../src/core/api.js';

const plain = createPalette(false);
const step = (kind: ApplyStep['kind'], name: string, action: ApplyStep['action'], changes: string[] = []) => ({
  kind,
  name,
  action,
  changes,
  status: 'planned' as ApplyStep['status'],
});

const MEMORY = step('server', 'memory', 'unchanged');
const FS = step('server', 'fs', 'rollover', ['env.ROOT']);
const NEW = step('server', 'new', 'create');
const DEV = step('profile', 'dev', 'create');
const STEPS: ApplyStep[] = [
  MEMORY,
  FS,
  step('server', 'docs', 'update', ['labels.a', 'labels.b', 'policy.restart', 'policy.stopGraceMs', 'autostart']),
  NEW,
  DEV,
  step('profile', 'old', 'delete'),
];

describe('renderApplyResult', () => {
  it('prints a dry run as a diff with a summary, unchanged definitions only counted', () => {
    const result: ApplyResult = { dryRun: true, changed: true, steps: STEPS, error: null };
    expect(renderApplyResult(result, plain)).toBe(
      [
        '~ server fs: env.ROOT changed (roll over)',
        '~ server docs: labels.a, labels.b, policy.restart, policy.stopGraceMs and 1 more changed',
        '+ server new',
        '+ profile dev',
        '- profile old',
        'dry run: 2 to create, 2 to update, 1 to delete, 1 unchanged; nothing was changed',
        '',
      ].join('\n'),
    );
  });

  it('says "no changes" when the file matches, and colours only when asked', () => {
    const same: ApplyResult = { dryRun: false, changed: false, steps: [MEMORY], error: null };
    expect(renderApplyResult(same, plain)).toBe('no changes (1 unchanged)\n');
    const colored = renderApplyResult({ dryRun: true, changed: true, steps: [NEW], error: null }, createPalette(true));
    expect(colored).toContain('\u001b[32m+ server new\u001b[39m');
  });

  it('marks the step that failed and those left undone', () => {
    const steps: ApplyStep[] = [
      { ...FS, status: 'applied' },
      { ...NEW, status: 'failed' },
      { ...DEV, status: 'not-applied' },
    ];
    const failure: ApplyResult = {
      dryRun: false,
      changed: true,
      steps,
      error: { kind: 'user', code: 'INVALID_ARGUMENT', message: 'no such command' },
    };
    expect(renderApplyResult(failure, plain)).toBe(
      [
        '~ server fs: env.ROOT changed (rolled over)',
        '+ server new ← failed',
        '+ profile dev (not applied)',
        'stopped: 1 of 3 changes applied, the others not',
        '',
      ].join('\n'),
    );
  });
});
