import { describe, expect, it } from 'vitest';
import {
  launchdPlistPath,
  renderLaunchdPlist,
  renderSystemdUnit,
  systemdArg,
  systemdUnitPath,
  type UnitSpec,
  xmlEscape,
} from '../../../../src/daemon/service/units.js';

const spec: UnitSpec = {
  command: ['/usr/bin/node', '/opt/my tools/mcpctl.js', 'daemon', 'run'],
  environment: { MCPCTL_HOME: '/home/u/100% "mc"', PATH: '/usr/bin:/bin' },
  logFile: '/home/u/.local/state/mcpctl/logs/daemon.stdio.log',
};

describe('systemd unit', () => {
  it('has the sections and lines systemd needs', () => {
    const lines = renderSystemdUnit(spec).split('\n');
    expect(lines).toContain('[Unit]');
    expect(lines).toContain('Description=mcpctl daemon');
    expect(lines).toContain('ExecStart=/usr/bin/node "/opt/my tools/mcpctl.js" daemon run');
    expect(lines).toContain('Restart=on-failure');
    expect(lines).toContain('KillMode=mixed');
    expect(lines).toContain('Environment="MCPCTL_HOME=/home/u/100%% \\"mc\\""');
    expect(lines).toContain('Environment="PATH=/usr/bin:/bin"');
    expect(lines).toContain('[Install]');
    expect(lines).toContain('WantedBy=default.target');
  });

  it('has no Environment line when there is nothing to carry', () => {
    expect(renderSystemdUnit({ ...spec, environment: {} })).not.toContain('Environment=');
  });

  it('escapes specifiers, variables, quotes, backslashes and control characters in ExecStart words', () => {
    expect(systemdArg('/plain/path-1.0')).toBe('/plain/path-1.0');
    expect(systemdArg('50%')).toBe('"50%%"');
    expect(systemdArg('$HOME')).toBe('"$$HOME"');
    expect(systemdArg('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(systemdArg('x\ny')).toBe('"x\\ny"');
    expect(systemdArg('')).toBe('""');
    expect(systemdArg(';')).toBe('";"');
  });

  it('lives in the user unit folder, honoring XDG_CONFIG_HOME', () => {
    expect(systemdUnitPath({ HOME: '/home/u' })).toBe('/home/u/.config/systemd/user/mcpctl.service');
    expect(systemdUnitPath({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/systemd/user/mcpctl.service');
  });
});

describe('launchd plist', () => {
  it('runs at load, restarts on failure and lists the program arguments, XML-escaped', () => {
    const plist = renderLaunchdPlist({ ...spec, command: ['/usr/bin/node', '/a&b/<mcpctl>.js', 'daemon', 'run'] });
    expect(plist).toContain('<string>dev.mcpctl.daemon</string>');
    expect(plist).toMatch(
      /<key>ProgramArguments<\/key>\s*<array>\s*<string>\/usr\/bin\/node<\/string>\s*<string>\/a&amp;b\/&lt;mcpctl&gt;\.js<\/string>\s*<string>daemon<\/string>\s*<string>run<\/string>\s*<\/array>/,
    );
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
    expect(plist).toMatch(/<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(plist).toContain('<string>/home/u/100% &quot;mc&quot;</string>');
    expect(plist).toContain(`<string>${spec.logFile}</string>`);
  });

  it('lives in ~/Library/LaunchAgents', () => {
    expect(launchdPlistPath({ HOME: '/Users/u' })).toBe('/Users/u/Library/LaunchAgents/dev.mcpctl.daemon.plist');
  });

  it('refuses characters XML cannot carry', () => {
    expect(xmlEscape("a'b")).toBe('a&apos;b');
    expect(() => xmlEscape('bell\u0007')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
