import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as protocol from './index.ts';
import { agentInbound } from './agent-events.ts';
import { isStorableText, SafeText, StorableJson, unstorablePath } from './storable-text.ts';
import { visitorInbound } from './visitor-events.ts';

const NUL = '\u0000';
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

describe('storable text', () => {
  it('refuses NUL and lone surrogates, and keeps every real character', () => {
    for (const bad of [`bad ${NUL} byte`, NUL, `a${LONE_HIGH}`, `${LONE_HIGH}b`, `a${LONE_LOW}b`, `${LONE_LOW}${LONE_HIGH}`]) expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'hello', 'thé vert 🍵', '😀😀', '\t\n', '\u0001', 'ﬀ']) expect(isStorableText(good), good).toBe(true);
    expect(SafeText.safeParse(`bad ${NUL} byte`).success).toBe(false);
  });

  it('finds the first unstorable string or key of nested JSON, however deep', () => {
    expect(unstorablePath({ steps: [{ text: { en: 'ok' } }, { text: { en: `x${NUL}` } }] })).toEqual(['steps', 1, 'text', 'en']);
    expect(unstorablePath({ attributes: { [`plan${NUL}`]: 'gold' } })).toEqual(['attributes', `plan${NUL}`]);
    expect(unstorablePath({ a: [1, true, null, 'fine'] })).toBeNull();
    let deep: unknown = `x${LONE_HIGH}`;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(unstorablePath(deep)).toHaveLength(50_000);
    expect(StorableJson.safeParse({ definition: [NUL] }).error?.issues[0]?.path).toEqual(['definition', 0]);
  });
});

/**
 * Every string an inbound schema accepts must refuse the same string with a NUL or a lone
 * surrogate in it. The schemas are found, not listed: every inbound socket event, and every
 * protocol schema named like a request body (…Input, …Create, …Update, …Patch, …Body, …Search,
 * …Claims), so a new field or event is audited without editing this test.
 */
type Leaf = { path: string; schema: z.ZodType; kind: 'string' | 'json' };

function leaves(schema: z.ZodType, path: string, out: Leaf[], seen = new Set<z.ZodType>()): Leaf[] {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  const walk = (child: unknown, sub: string) => child && leaves(child as z.ZodType, sub, out, seen);
  switch (def.type) {
    case 'string':
      out.push({ path, schema, kind: 'string' });
      break;
    case 'unknown':
    case 'any':
      out.push({ path, schema, kind: 'json' });
      break;
    case 'object':
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) walk(child, `${path}.${key}`);
      if (def.catchall) walk(def.catchall, `${path}.*`);
      break;
    case 'array':
      walk(def.element, `${path}[]`);
      break;
    case 'record':
      walk(def.keyType, `${path}{key}`);
      walk(def.valueType, `${path}{}`);
      break;
    case 'union':
      (def.options as z.ZodType[]).forEach((option, i) => walk(option, `${path}|${i}`));
      break;
    case 'intersection':
      walk(def.left, path);
      walk(def.right, path);
      break;
    case 'tuple':
      (def.items as z.ZodType[]).forEach((item, i) => walk(item, `${path}[${i}]`));
      if (def.rest) walk(def.rest, `${path}[…]`);
      break;
    case 'pipe':
      walk(def.in, path);
      break;
    case 'lazy':
      walk(def.getter(), path);
      break;
    default:
      // optional, nullable, default, prefault, readonly, catch, nonoptional: one inner schema.
      if (def.innerType) walk(def.innerType, path);
  }
  return out;
}

/** Values some string leaf accepts: the audit appends and inserts bad characters into the first one accepted. */
const SAMPLES = [
  'hello world', 'abc', 'a', 'x'.repeat(12), 'a@b.example', 'https://shop.example/path', 'Europe/Paris', 'demo-shop', 'A-b_1',
  '12:30', '#4f46e5', '+33 1 23 45 67 89', '2024-01-01T00:00:00Z', '00000000-0000-4000-8000-000000000000', 'session.queued',
  'ey.ey.sig',
];

function inboundSchemas(): [string, z.ZodType][] {
  const fromTables = [...Object.entries(visitorInbound).map(([event, spec]) => [`visitor ${event}`, spec.input] as const),
    ...Object.entries(agentInbound).map(([event, spec]) => [`agent ${event}`, spec.input] as const)];
  const bodies = Object.entries(protocol).filter(([name, value]) => value instanceof z.ZodType && /(Input|Create|Update|Patch|Body|Search|Claims)$/.test(name));
  return [...fromTables, ...bodies] as [string, z.ZodType][];
}

describe('every inbound schema refuses what Postgres cannot store', () => {
  it('finds the inbound schemas by itself', () => {
    const names = inboundSchemas().map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['visitor message:send', 'agent session:wrap-up', 'ContactPatch', 'QuickReplyInput', 'SaveDraftInput', 'LoginBody']));
  });

  it.each(inboundSchemas())('%s', (_name, schema) => {
    const unguarded: string[] = [];
    for (const leaf of leaves(schema, '', [])) {
      if (leaf.kind === 'json') {
        if (leaf.schema.safeParse({ [`k${NUL}`]: 1 }).success || leaf.schema.safeParse([`v${LONE_HIGH}`]).success) unguarded.push(`${leaf.path} (json)`);
        continue;
      }
      const sample = SAMPLES.find((s) => leaf.schema.safeParse(s).success);
      // A string no sample fits is an enum-like pattern (a step id, a variable name): it cannot take these characters either.
      if (sample === undefined) continue;
      const half = Math.ceil(sample.length / 2);
      for (const bad of [NUL, LONE_HIGH, LONE_LOW]) {
        for (const poisoned of [sample + bad, sample.slice(0, half) + bad + sample.slice(half)]) {
          if (leaf.schema.safeParse(poisoned).success) unguarded.push(`${leaf.path || '(root)'} accepts ${JSON.stringify(poisoned)}`);
        }
      }
    }
    expect(unguarded).toEqual([]);
  });
});
