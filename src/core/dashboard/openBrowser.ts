import { spawn } from 'node:child_process';

/**
 * Opens a URL in the desktop's browser, detached, when there is a desktop: macOS always,
 * elsewhere only with a display (a headless box or an ssh session just prints the link).
 * Returns whether an opener was started.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv, platform = process.platform): boolean {
  const opener =
    platform === 'darwin'
      ? 'open'
      : platform === 'win32'
        ? undefined
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : undefined;
  if (opener === undefined) return false;
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
