/** The one NOTIFY channel of the change feed: the triggers (migrations.ts) send on it, changeFeed.ts listens. */
export const CHANGES_CHANNEL = 'mcpctl_changes';
