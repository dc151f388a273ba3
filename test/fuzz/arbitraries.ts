import * as fc from 'fast-check';

/** Header values Node's client can send: visible ASCII and spaces (anything else it refuses to write). */
export const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

/** Keys that have hurt JavaScript servers before, among random ones. */
export const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
  fc.string({ maxLength: 12 }),
);

/** Any JSON value, with hostile keys in its objects. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 30 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * JSON text no JSON.stringify makes: numbers past double range or precision, and nesting deep
 * enough to overflow a recursive walker's stack (a few thousand levels do; the body limit allows millions).
 */
export const rawJsonNumber = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '123456789012345678901234567890', '9007199254740993', '0.1e1'),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
);

export const deepNesting = fc
  .record({ depth: fc.integer({ min: 1, max: 50_000 }), open: fc.constantFrom('[', '{"a":') })
  .map(({ depth, open }) => `${open.repeat(depth)}0${(open === '[' ? ']' : '}').repeat(depth)}`);

/** A JSON value as text: plain values, or the raw forms above. */
export const jsonText = fc.oneof(
  { weight: 4, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: rawJsonNumber },
  { weight: 1, arbitrary: deepNesting },
);

interface Mutation {
  at: number;
  op: 'delete' | 'replace' | 'add' | 'retype';
  key: string;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'add', 'retype'),
  key: hostileKey,
  value: anyJson,
});

type Container = Record<string, unknown> | unknown[];

/** Every object and array in `value`, with the key each holds below its parent (none for the root). */
function containers(value: unknown, found: Array<{ parent: Container; key: string | number }> = []) {
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      found.push({ parent: value as Container, key: Array.isArray(value) ? Number(key) : key });
      containers(child, found);
    }
  }
  return found;
}

/** The other JSON type of a value: '1' for 1, 1 for '1', [x] for x... */
function retyped(value: unknown): unknown {
  if (typeof value === 'string') return Number.isNaN(Number(value)) ? [value] : Number(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return value[0] ?? null;
  if (value === null) return {};
  return Object.values(value as object);
}

function applyMutation(value: unknown, m: Mutation): unknown {
  const spots = containers(value);
  if (spots.length === 0) return m.value;
  const spot = spots[m.at % spots.length] as { parent: Container; key: string | number };
  const parent = spot.parent as Record<string | number, unknown>;
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(spot.key), 1);
      else delete parent[spot.key];
      break;
    case 'replace':
      parent[spot.key] = m.value;
      break;
    case 'add':
      if (Array.isArray(parent)) parent.push(m.value);
      // defineProperty: a '__proto__' key becomes an own property, as JSON.parse makes it.
      else
        Object.defineProperty(parent, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      break;
    case 'retype':
      parent[spot.key] = retyped(parent[spot.key]);
      break;
  }
  return value;
}

/** `valid` (a structured-cloneable value) with one to three mutations: a key gone, a value replaced or retyped, a key added. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([value, mutations]) => mutations.reduce(applyMutation, structuredClone(value)));
}

/** Text that is not quite JSON: random characters, binary junk, or a valid body cut short or spliced. */
export function brokenText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.tuple(valid, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(text.length, 1))),
    fc.tuple(valid, fc.nat(), fc.string({ maxLength: 4 })).map(([text, at, junk]) => {
      const i = at % Math.max(text.length, 1);
      return text.slice(0, i) + junk + text.slice(i + 1);
    }),
  );
}

const DEEP_MARKER = '\u0000deep\u0000';

/**
 * `valid` as JSON text with one of its values replaced by arrays nested `depth` deep: text no
 * JSON.stringify could make (its own recursion would overflow first).
 */
export function withDeepValue(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.nat(), fc.integer({ min: 100, max: 50_000 })).map(([value, at, depth]) => {
    const marked = applyMutation(structuredClone(value), { at, op: 'replace', key: '', value: DEEP_MARKER });
    return JSON.stringify(marked).replace(JSON.stringify(DEEP_MARKER), `${'['.repeat(depth)}${']'.repeat(depth)}`);
  });
}
