import { code, slug, table } from './markdown.ts';

/**
 * Readable Markdown for the JSON Schema zod writes (`z.toJSONSchema`): a one-line type
 * such as `string` (1–4000 characters) or [Message](#message)[], and, for objects, a table
 * of their fields. Named protocol schemas arrive as `$ref: '#/$defs/Name'` and become
 * links to their own section of the page.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
  $defs?: Record<string, JsonSchema>;
}

/** Formats zod emits, by the name a reader knows them under. */
const FORMATS: Record<string, string> = { uuid: 'uuid', 'date-time': 'ISO 8601 date-time', email: 'email', uri: 'URL', date: 'date' };
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

export const refName = (ref: string) => ref.replace(/^#\/\$defs\//, '');
export const typeLink = (name: string) => `[${name}](#${slug(name)})`;
const literal = (value: unknown) => code(JSON.stringify(value));

function range(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) return min === max ? `${min}${unit}` : `${min}–${max}${unit}`;
  if (min !== undefined) return `≥ ${min}${unit}`;
  if (max !== undefined) return `≤ ${max}${unit}`;
  return '';
}

function stringText(node: JsonSchema): string {
  const format = node.format && FORMATS[node.format];
  if (format) return code(format);
  const parts = [range(node.minLength, node.maxLength, ' characters')];
  if (node.pattern) parts.push(`matching ${code(node.pattern)}`);
  const extra = parts.filter(Boolean).join(', ');
  return extra ? `${code('string')} (${extra})` : code('string');
}

function numberText(node: JsonSchema, kind: string): string {
  const min = node.minimum === -SAFE_INTEGER ? undefined : node.minimum;
  const max = node.maximum === SAFE_INTEGER ? undefined : node.maximum;
  const bounds = [range(min, max, '')];
  if (node.exclusiveMinimum !== undefined) bounds.push(`> ${node.exclusiveMinimum}`);
  if (node.exclusiveMaximum !== undefined) bounds.push(`< ${node.exclusiveMaximum}`);
  const text = bounds.filter(Boolean).join(', ');
  return text ? `${code(kind)} ${text}` : code(kind);
}

/** One line: the type of a value, with links to named types. */
export function typeText(node: JsonSchema): string {
  if (node.$ref) return typeLink(refName(node.$ref));
  if (node.const !== undefined) return literal(node.const);
  if (node.enum) return node.enum.map(literal).join(' | ');
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return variants.map((v) => (v.anyOf || v.oneOf ? `(${typeText(v)})` : typeText(v))).join(' | ');
  if (node.allOf) return node.allOf.map(typeText).join(' & ');
  if (Array.isArray(node.type)) return node.type.map((type) => typeText({ ...node, type })).join(' | ');
  switch (node.type) {
    case 'string':
      return stringText(node);
    case 'integer':
    case 'number':
      return numberText(node, node.type);
    case 'boolean':
    case 'null':
      return code(node.type);
    case 'array': {
      const item = node.items ? typeText(node.items) : code('unknown');
      const bounds = range(node.minItems, node.maxItems, ' items');
      const list = node.items && (node.items.anyOf || node.items.oneOf || node.items.enum) ? `(${item})[]` : `${item}[]`;
      return bounds ? `${list} (${bounds})` : list;
    }
    case 'object':
      return objectText(node);
    default:
      return code('unknown');
  }
}

function objectText(node: JsonSchema): string {
  const fields = Object.entries(node.properties ?? {});
  const rest = typeof node.additionalProperties === 'object' ? node.additionalProperties : null;
  if (!fields.length && rest) {
    const key = node.propertyNames ? typeText({ type: 'string', ...node.propertyNames }) : code('string');
    return `map of ${key} to ${typeText(rest)}`;
  }
  if (!fields.length) return code('{}');
  const required = new Set(node.required ?? []);
  return `{ ${fields.map(([name, value]) => `${name}${required.has(name) ? '' : '?'}: ${typeText(value)}`).join(', ')} }`;
}

const isFieldObject = (node: JsonSchema) => node.type === 'object' && Object.keys(node.properties ?? {}).length > 0;

/** A table of an object's fields (optional ones marked), or null when the node is not such an object. */
export function fieldsTable(node: JsonSchema): string | null {
  if (!isFieldObject(node)) return null;
  const required = new Set(node.required ?? []);
  const entries = Object.entries(node.properties ?? {});
  const notes = entries.some(([, value]) => value.description || value.default !== undefined);
  const rows = entries.map(([name, value]) => {
    const row = [code(required.has(name) ? name : `${name}?`), typeText(value)];
    if (notes) row.push([value.description ?? '', value.default !== undefined ? `Default ${literal(value.default)}.` : ''].filter(Boolean).join(' '));
    return row;
  });
  return table(notes ? ['Field', 'Type', 'Notes'] : ['Field', 'Type'], rows);
}

/** A block for a section: a field table for an object, a table per variant for a union of objects, else one line. */
export function shapeBlock(node: JsonSchema): string {
  if (node.type === 'object' && !Object.keys(node.properties ?? {}).length && typeof node.additionalProperties !== 'object') return 'Nothing: `{}`.';
  const fields = fieldsTable(node);
  if (fields) return fields;
  const variants = node.anyOf ?? node.oneOf;
  if (variants && variants.some(isFieldObject)) {
    return ['One of:', ...variants.map((v) => fieldsTable(v) ?? typeText(v))].join('\n\n');
  }
  return typeText(node);
}
