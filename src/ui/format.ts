export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d${Math.floor((seconds % 86_400) / 3600)}h`;
}

export function time(iso: string | null): string {
  return iso === null ? '—' : new Date(iso).toLocaleString();
}

/** Values of env and headers are shown as dots: they may be secrets. */
export function masked(record: Record<string, string>): string {
  const keys = Object.keys(record);
  return keys.length === 0 ? '—' : keys.map((key) => `${key}=••••`).join(', ');
}
