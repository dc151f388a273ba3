const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether valid JSON text nests arrays and objects deeper than `limit`: one pass, no recursion.
 * JSON.parse takes any depth, but the recursive JSON.stringify that sends a message on overflows
 * its stack at a few thousand levels, so a message that deep must be refused where it arrives.
 */
export function nestsDeeperThan(json: Buffer | string, limit: number): boolean {
  // Every level costs at least one byte to open it: shorter text cannot be too deep.
  if (json.length <= limit) return false;
  const at = typeof json === 'string' ? (i: number) => json.charCodeAt(i) : (i: number) => json[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const code = at(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
  }
  return false;
}
