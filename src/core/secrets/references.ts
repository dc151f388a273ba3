/**
 * `${secret:NAME}` inside a server's env values, args and headers (and a profile member's env).
 * Definitions keep the reference; the value is put in only when a process is spawned or an
 * upstream connected (`substituteSecrets`), so it never reaches the store, a view or an export.
 */
const REFERENCE = /\$\{secret:([^}]*)\}/g;

/** The secret names `text` refers to, in order of first appearance. */
export function secretReferences(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) names.add(match[1] as string);
  return [...names];
}

/** The names referenced by any of `texts`, each once. */
export function referencesIn(texts: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const text of texts) for (const name of secretReferences(text)) names.add(name);
  return [...names];
}

/** `text` with each reference replaced by its value; `values` holds every name it refers to. */
export function substituteSecrets(text: string, values: ReadonlyMap<string, string>): string {
  if (!text.includes('${secret:')) return text;
  return text.replace(REFERENCE, (whole, name: string) => values.get(name) ?? whole);
}

/** The same record with references substituted in its values. */
export function substituteRecord(
  record: Readonly<Record<string, string>>,
  values: ReadonlyMap<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) out[key] = substituteSecrets(value, values);
  return out;
}

/** The reference to write in a definition for the secret `name`. */
export function secretReference(name: string): string {
  return `\${secret:${name}}`;
}
