import fc from 'fast-check';
import type { z } from 'zod';
import { unstorablePath } from '../../protocol/storable-text.ts';

/**
 * Payloads for the fuzz suite (fuzz.test.ts), from the protocol's own zod schemas: values
 * shaped like what a schema accepts ("valid-ish"), then broken in a few places (a leaf replaced
 * by something hostile, a key dropped or added), and plain arbitrary JSON. Ids come from the
 * database when the caller knows some, so that handlers get past NOT_FOUND.
 */

/** Strings that have hurt servers: Postgres' NUL, half surrogates, sizes, injections, prototypes. */
export const HOSTILE_STRINGS = [
  '\u0000', 'bad \u0000 byte', '\uD800', 'x\uDC00', '😀'.slice(0, 1), '', ' ', '\t\n', 'x'.repeat(5_000), '__proto__', 'constructor',
  "'; drop table messages; --", '{{agent.name}}', '<img src=x onerror=alert(1)>', '\u202e', '%00', '%ff', '../../etc/passwd', '0', '-1',
  'NaN', 'Infinity', '1e400', 'null', 'true', '[]', '{}', '9'.repeat(40), '2024-02-30T25:61:00Z', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
] as const;

/** What Postgres cannot store, put into a string that was fine (finding 7's poison). */
const POISONS = ['\u0000', '\uD800', '\uDC00'] as const;
const poisoned = (text: string, poison: string, at: number) => text.slice(0, at % (text.length + 1)) + poison + text.slice(at % (text.length + 1));

/** Numbers outside every column's range, and the edges of JSON's. */
const HOSTILE_NUMBERS = [-1, 0, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 0.5, 1e21] as const;

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  // Deep nesting: a recursive walker on the server would overflow its stack (socket.io-client's own
  // encoder recurses too, hence no deeper than this).
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 1_000 }).map((depth) => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 'x')) },
);

export interface PayloadContext {
  /** Real ids from the database, used for most uuid fields. */
  ids: readonly string[];
  /** The same by table: a field named `conversationId` or `queueIds` draws from `conversations` or `queues`. */
  idsByTable: Readonly<Record<string, readonly string[]>>;
}

/** `conversationId` → conversations, `queueIds` → queues, `sessionId` → sessions (the schema's naming convention). */
function idsFor(field: string | undefined, ctx: PayloadContext): readonly string[] {
  const stem = field?.replace(/Ids?$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const table = stem ? (ctx.idsByTable[`${stem}s`] ?? ctx.idsByTable[stem]) : undefined;
  return table?.length ? table : ctx.ids;
}

type Def = Record<string, any>;
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const check = (def: Def, name: string) => (def.checks as { _zod: { def: Def } }[] | undefined)?.map((c) => c._zod.def).find((c) => c.check === name);

function stringLike(def: Def, ctx: PayloadContext, field: string | undefined, full: boolean): fc.Arbitrary<string> {
  const format = def.format ?? check(def, 'string_format')?.format;
  const ids = idsFor(field, ctx);
  if (format === 'uuid' && ids.length) return full ? fc.constantFrom(...ids) : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.uuid() });
  if (format === 'uuid') return fc.uuid();
  if (format === 'email') return fc.emailAddress();
  if (format === 'url') return fc.webUrl();
  if (format === 'datetime') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  const pattern = (def.pattern ?? check(def, 'string_format')?.pattern) as RegExp | undefined;
  // fast-check cannot generate from a case-insensitive pattern: the lower-case strings it matches will do.
  if (pattern) return fc.stringMatching(pattern.flags.includes('i') ? new RegExp(pattern.source, pattern.flags.replace('i', '')) : pattern);
  const min = check(def, 'min_length')?.minimum ?? 0;
  const max = Math.min(check(def, 'max_length')?.maximum ?? 60, Math.max(min, 60));
  const text = fc.string({ minLength: min, maxLength: max });
  if (full) return text;
  return fc.oneof(
    { weight: 4, arbitrary: text },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: max }) },
    { weight: 1, arbitrary: fc.tuple(text, fc.constantFrom(...POISONS), fc.nat()).map(([t, poison, at]) => poisoned(t, poison, at)) },
  );
}

function numberLike(def: Def): fc.Arbitrary<number> {
  const low = check(def, 'greater_than')?.value as number | undefined;
  const high = check(def, 'less_than')?.value as number | undefined;
  const min = low ?? -10;
  const max = Math.max(min, high ?? min + 1_000);
  return check(def, 'number_format') ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
}

/**
 * A value shaped like what `schema` accepts (best effort: refinements are not honoured). `full`: every
 * optional field present, every array and record holding something (a value with all its strings).
 */
export function validish(schema: z.ZodType, ctx: PayloadContext, full = false, depth = 0, field?: string): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (child: unknown, name = field) => validish(child as z.ZodType, ctx, full, depth + 1, name);
  if (depth > 8) return fc.constant(null);
  switch (def.type) {
    case 'string':
      return stringLike(def, ctx, field, full);
    case 'number':
      return numberLike(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'enum':
      return fc.constantFrom(...(Object.values(def.entries) as unknown[]));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'template_literal':
      return fc.string({ maxLength: 30 });
    case 'object': {
      const shape = Object.fromEntries(Object.entries(def.shape as Record<string, z.ZodType>).map(([key, child]) => [key, inner(child, key)]));
      return fc.record(shape);
    }
    case 'array': {
      const min = Math.max(check(def, 'min_length')?.minimum ?? 0, full ? 1 : 0);
      return fc.array(inner(def.element), { minLength: min, maxLength: Math.max(min, 3) });
    }
    case 'record':
      return fc.dictionary(inner(def.keyType) as fc.Arbitrary<string>, inner(def.valueType), { minKeys: full ? 1 : 0, maxKeys: 3 });
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((option) => inner(option)));
    case 'intersection':
      return fc.tuple(inner(def.left), inner(def.right)).map(([a, b]) => (a && b && typeof a === 'object' && typeof b === 'object' ? { ...a, ...b } : a));
    case 'optional':
    case 'default':
    case 'prefault':
      return full ? inner(def.innerType) : fc.option(inner(def.innerType), { nil: undefined });
    case 'nullable':
      return full ? inner(def.innerType) : fc.option(inner(def.innerType), { nil: null });
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return inner(def.getter());
    default:
      if (def.innerType) return inner(def.innerType);
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every place of a JSON value something can be put: the root, each key, each array slot. */
function slots(value: unknown): { parent: Record<string | number, unknown> | null; key: string | number }[] {
  const out: { parent: Record<string | number, unknown> | null; key: string | number }[] = [{ parent: null, key: '' }];
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    for (const key of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      out.push({ parent: v as Record<string | number, unknown>, key });
      walk((v as Record<string | number, unknown>)[key]);
    }
  };
  walk(value);
  return out;
}

const mutation = fc.record({
  kind: fc.constantFrom('poison', 'poison', 'poison', 'replace', 'replace', 'delete', 'add'),
  poison: fc.constantFrom(...POISONS),
  at: fc.nat(),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 12 })),
});

/** What a client that almost speaks the protocol sends: a valid-ish value broken in one to three places. */
export function shapedButWrong(schema: z.ZodType, ctx: PayloadContext): fc.Arbitrary<unknown> {
  return fc.tuple(validish(schema, ctx), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([valid, mutations]) => {
    let value = structuredClone(valid);
    // An own property even for `__proto__`, so that it goes on the wire.
    const add = (target: object, key: string, v: unknown) => Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
    for (const { value: hostile, ...m } of mutations) {
      // A copy each time: one object put in two places could end up inside itself.
      const inserted = structuredClone(hostile);
      const places = slots(value);
      if (m.kind === 'poison') {
        // One string of the value, otherwise fine, gets a character Postgres cannot store.
        const strings = places.filter(({ parent, key }) => parent && typeof parent[key] === 'string');
        const place = strings[m.at % Math.max(1, strings.length)];
        if (place) place.parent![place.key] = poisoned(place.parent![place.key] as string, m.poison, m.at);
        else if (typeof value === 'string') value = poisoned(value, m.poison, m.at);
        continue;
      }
      const { parent, key } = places[m.at % places.length]!;
      if (!parent) value = m.kind === 'add' && value && typeof value === 'object' && !Array.isArray(value) ? add(value, m.key, inserted) : inserted;
      else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
      else if (m.kind === 'add' && !Array.isArray(parent)) add(parent, m.key, inserted);
      else add(parent, String(key), inserted);
    }
    return value;
  });
}

/**
 * Deterministic near misses for `schema`: one valid-ish value, then one copy per string in it with
 * a NUL, and one with half a surrogate pair, in that string alone. Every field gets its turn
 * whatever the seed, so a field that lets poison through to the database is always found.
 */
export function poisonedExamples(schema: z.ZodType, ctx: PayloadContext, seed: number): unknown[] {
  // A value the schema accepts, when one of a few draws is (refinements are not generated for).
  const draws = fc.sample(validish(schema, ctx, true), { numRuns: 30, seed });
  const valid = draws.find((v) => schema.safeParse(v).success && !unstorablePath(v)) ?? draws[0];
  const examples: unknown[] = [];
  for (const poison of ['\u0000', '\uD800']) {
    slots(valid).forEach(({ parent, key }, i) => {
      if (!parent || typeof parent[key] !== 'string') return;
      const copy = structuredClone(valid);
      const place = slots(copy)[i]!;
      place.parent![place.key] = poisoned(place.parent![place.key] as string, poison, 1);
      examples.push(copy);
    });
  }
  return examples;
}

/** The mix every inbound point gets: mostly near misses, some valid-ish values, some anything at all. */
export function payloadFor(schema: z.ZodType, ctx: PayloadContext): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: shapedButWrong(schema, ctx) },
    { weight: 2, arbitrary: validish(schema, ctx) },
    { weight: 2, arbitrary: hostileValue },
  );
}
