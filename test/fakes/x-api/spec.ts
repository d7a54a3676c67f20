import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

// Checks the fake's answers against X's own OpenAPI document, pinned at 2.166 (brief §8): the response schema of
// the path, method and status (else the operation's "default", whose problem+json schema is X's Problem).
// The few places where 2.166 contradicts X's documentation and live traffic are patched below, each with why.

type Json = Record<string, any>;

const doc: Json = JSON.parse(readFileSync(new URL('./openapi-2.166.json', import.meta.url), 'utf8'));
if (doc.info?.version !== '2.166') throw new Error(`expected the pinned OpenAPI 2.166, found ${doc.info?.version}`);

/** Where 2.166 is wrong about what X sends. Applied to an in-memory copy; the pinned file stays verbatim. */
export const ERRATA: Array<{ where: string; why: string; patch(d: Json): void }> = [
  {
    where: 'MediaUploadResponse, MediaUploadAppendResponse: required ["meta"]',
    why: 'both schemas require a "meta" property they never declare; X\'s upload answers and SDK types carry only data',
    patch: (d) => {
      delete d.components.schemas.MediaUploadResponse.required;
      delete d.components.schemas.MediaUploadAppendResponse.required;
    },
  },
  {
    where: 'ProcessingInfo: required ["type"]',
    why: 'requires a "type" property it never declares; STATUS answers carry state, progress_percent, check_after_secs',
    patch: (d) => delete d.components.schemas.ProcessingInfo.required,
  },
  {
    where: 'POST /2/webhooks 200: WebhookConfigCreateResponse',
    why: 'the schema is the bare config; the webhooks docs and the brief (§2) show it wrapped in "data", like every other v2 answer',
    patch: (d) => {
      const s = d.components.schemas.WebhookConfigCreateResponse;
      d.components.schemas.WebhookConfigCreateResponse = { type: 'object', required: ['data'], properties: { data: s } };
    },
  },
];

const patched: Json = structuredClone(doc);
for (const e of ERRATA) e.patch(patched);

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// OpenAPI's numeric and binary formats say nothing JSON Schema can check.
for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
ajv.addSchema(patched, 'x-openapi');

const compiled = new Map<string, ValidateFunction>();

function validatorFor(method: string, pathTemplate: string, status: number): ValidateFunction {
  const key = `${method} ${pathTemplate} ${status}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const op = patched.paths[pathTemplate]?.[method.toLowerCase()];
  if (!op) throw new Error(`2.166 has no ${method} ${pathTemplate}`);
  const explicit = op.responses[String(status)];
  const response = explicit ?? op.responses.default;
  if (!response) throw new Error(`2.166 has no ${status} (nor default) response for ${method} ${pathTemplate}`);
  const mediaType = status >= 400 ? 'application/problem+json' : 'application/json';
  const content = response.content?.[mediaType] ?? response.content?.['application/json'];
  if (!content?.schema) throw new Error(`2.166 has no ${mediaType} schema for ${key}`);
  if (status < 400 && !explicit) throw new Error(`2.166 documents no ${status} for ${method} ${pathTemplate} (only default)`);
  const ref = content.schema.$ref as string | undefined;
  const validate = ajv.compile(ref ? { $ref: `x-openapi${ref}` } : content.schema);
  compiled.set(key, validate);
  return validate;
}

/** Asserts that `body` is what X's 2.166 document says `method pathTemplate` answers with `status`. */
export function expectMatchesSpec(method: string, pathTemplate: string, status: number, body: unknown): void {
  const validate = validatorFor(method, pathTemplate, status);
  const ok = validate(body);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`), `${method} ${pathTemplate} ${status}: ${JSON.stringify(body)}`).toEqual([]);
  // The 2.166 schemas declare no "additionalProperties: false"; problems at least must carry X's type URLs.
  if (status >= 400) expect((body as { type?: string }).type).toMatch(/^(about:blank|https:\/\/api\.x\.com\/2\/problems\/[a-z-]+)$/);
}
