/**
 * One line of a log, as `mcpctl logs` shows it. The same shape as core's logLineSchema
 * (daemon/ does not import core/; the control API validates it at the edge).
 */
export interface LogLine {
  time: string | null;
  stream: string;
  text: string;
}

export type LogListener = (line: LogLine) => void;

/** What `logs -f` needs from a log: every line appended from now on. */
export interface FollowableLog {
  /** Returns the function that ends the subscription. */
  subscribe(listener: LogListener): () => void;
}

/** A longer line is cut: one runaway write must not fill the log. */
export const MAX_LINE_BYTES = 64 * 1024;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Makes `text` one line of at most MAX_LINE_BYTES: CR and LF become visible escapes,
 * and the overflow (plus `alreadyDropped` bytes a reader discarded) is named in a marker.
 */
export function toSingleLine(text: string, alreadyDropped = 0): string {
  const flat = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  const bytes = Buffer.byteLength(flat);
  if (bytes <= MAX_LINE_BYTES && alreadyDropped === 0) return flat;
  if (bytes <= MAX_LINE_BYTES) return `${flat}…[truncated ${alreadyDropped} bytes]`;
  const buffer = Buffer.from(flat);
  let cut = MAX_LINE_BYTES;
  // Back off to the start of a UTF-8 sequence so no character is split.
  while (cut > 0 && ((buffer[cut] as number) & 0xc0) === 0x80) cut--;
  const dropped = bytes - cut + alreadyDropped;
  return `${buffer.toString('utf8', 0, cut)}…[truncated ${dropped} bytes]`;
}

/** `<ISO time> <stream> <text>`: the format of a server's log file. */
export function formatServerLine(line: LogLine): string {
  return `${line.time ?? new Date().toISOString()} ${line.stream} ${line.text}\n`;
}

export function parseServerLine(raw: string): LogLine {
  const first = raw.indexOf(' ');
  const second = first > 0 ? raw.indexOf(' ', first + 1) : -1;
  const time = raw.slice(0, first);
  if (second > first && ISO_TIME.test(time) && !Number.isNaN(Date.parse(time))) {
    return { time, stream: raw.slice(first + 1, second), text: raw.slice(second + 1) };
  }
  return { time: null, stream: 'unknown', text: raw };
}

/** A line of the daemon's pino log: the JSON stays the text, its `time` dates it. */
export function parseJsonLine(raw: string): LogLine {
  let time: string | null = null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && 'time' in value) {
      const field = value.time;
      if (typeof field === 'string' && !Number.isNaN(Date.parse(field))) time = field;
      else if (typeof field === 'number') time = new Date(field).toISOString();
    }
  } catch {
    // Not JSON (a line cut by a crash): keep it, undated.
  }
  return { time, stream: 'daemon', text: raw };
}
