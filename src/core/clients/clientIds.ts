/**
 * The supported AI clients' ids, in the catalog's order. A module of its own so that every
 * command's help and the shell completion name them without loading the catalog (catalog.ts checks
 * at load that the two agree).
 */
export const CLIENT_IDS = [
  'claude-desktop',
  'claude-code',
  'cursor',
  'vscode',
  'windsurf',
  'zed',
  'codex',
  'gemini',
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];
