import { z } from 'zod';
import * as protocol from '../../protocol/index.ts';
import type { JsonSchema } from './schema-text.ts';

/**
 * JSON Schema of protocol payloads in which every schema `protocol/` exports under a name
 * (objects, unions, enums) is a `$ref` to that name, so the pages can show `Message` once
 * and link to it instead of repeating it under every event.
 */
const NAMED_KINDS = new Set(['object', 'union', 'enum', 'intersection']);

function namedProtocolSchemas() {
  const registry = z.registry<{ id: string }>();
  const seen = new Set<unknown>();
  // A module namespace lists its exports in alphabetical order: an alias (MeResponse = LoginResponse) loses to the first name.
  for (const [name, value] of Object.entries(protocol)) {
    if (!(value instanceof z.ZodType) || !NAMED_KINDS.has(value._zod.def.type) || seen.has(value)) continue;
    seen.add(value);
    registry.add(value, { id: name });
  }
  return registry;
}

const registry = namedProtocolSchemas();

export type Io = 'input' | 'output';

/** `io: 'input'` is what a sender may send (defaults make fields optional); `output` what a receiver gets. */
export function jsonSchemaOf(schema: z.ZodType, io: Io): JsonSchema {
  return z.toJSONSchema(schema, { metadata: registry, io, unrepresentable: 'any' }) as JsonSchema;
}
