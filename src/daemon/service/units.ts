import { homedir } from 'node:os';
import { join } from 'node:path';
import { McpctlError } from '../../shared/errors.js';

export const SYSTEMD_UNIT_NAME = 'mcpctl.service';
export const LAUNCHD_LABEL = 'dev.mcpctl.daemon';

/** What a service manager needs to run the daemon in the foreground. */
export interface UnitSpec {
  /** Full argv: executable first, ending in `daemon run`. */
  command: string[];
  /** Set for the daemon; PATH matters: service managers start with a bare one, and servers run `npx` & co. */
  environment: Record<string, string>;
  /** launchd has no journal: stdout and stderr go here. */
  logFile: string;
}

function userHome(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

export function systemdUnitPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(userHome(env), '.config');
  return join(configHome, 'systemd', 'user', SYSTEMD_UNIT_NAME);
}

export function launchdPlistPath(env: NodeJS.ProcessEnv): string {
  return join(userHome(env), 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
}

const HEADER = "Written by 'mcpctl daemon install'; 'mcpctl daemon uninstall' removes it.";

export function renderSystemdUnit(spec: UnitSpec): string {
  const lines = [
    `# ${HEADER}`,
    '[Unit]',
    'Description=mcpctl daemon',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${spec.command.map(systemdArg).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=2',
    // SIGTERM to the daemon alone: it drains requests in flight, then stops its servers itself.
    // The default (control-group) would signal every server at once and fail those requests.
    'KillMode=mixed',
    ...Object.entries(spec.environment).map(([key, value]) => `Environment=${systemdQuoted(`${key}=${value}`)}`),
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ];
  return lines.join('\n');
}

/** One ExecStart word: `%` is a specifier and `$` expands variables there, so both are doubled. */
export function systemdArg(arg: string): string {
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(arg)) return arg;
  return systemdQuoted(arg).replace(/\$/g, '$$$$');
}

/** A double-quoted systemd value with C-style escapes; `%` doubled (specifiers apply in every setting). */
function systemdQuoted(text: string): string {
  let escaped = '';
  for (const char of text) {
    if (char === '\\' || char === '"') escaped += `\\${char}`;
    else if (char === '%') escaped += '%%';
    else if (char === '\n') escaped += '\\n';
    else if (char === '\t') escaped += '\\t';
    else if (isControl(char)) escaped += `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else escaped += char;
  }
  return `"${escaped}"`;
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

export function renderLaunchdPlist(spec: UnitSpec): string {
  const strings = (values: string[], indent: string): string[] =>
    values.map((value) => `${indent}<string>${xmlEscape(value)}</string>`);
  const environment = Object.entries(spec.environment).flatMap(([key, value]) => [
    `    <key>${xmlEscape(key)}</key>`,
    `    <string>${xmlEscape(value)}</string>`,
  ]);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${HEADER} -->`,
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${LAUNCHD_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...strings(spec.command, '    '),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...environment,
    '  </dict>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    // Restarted when it fails, left alone after a clean 'mcpctl daemon stop'.
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>StandardOutPath</key>',
    `  <string>${xmlEscape(spec.logFile)}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xmlEscape(spec.logFile)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ];
  return lines.join('\n');
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(text: string): string {
  // XML 1.0 cannot carry these at all, not even as character references.
  if (
    [...text].some((char) => isControl(char) && char !== '\t' && char !== '\n' && char !== '\r' && char !== '\u007f')
  ) {
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `cannot write ${JSON.stringify(text)} into a launchd plist: it holds control characters`,
      {
        hint: 'remove control characters from the paths and environment the service uses',
      },
    );
  }
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}
