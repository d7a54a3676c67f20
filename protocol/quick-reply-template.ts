/**
 * Quick-reply templating (pure, shared by server validation and the desktop):
 * `{{agent.name}}`, `{{contact.name}}`, `{{order_number}}`… Known variables are
 * filled from context (the agent checks them); the others are asked for. A
 * rendered reply never contains a literal `{{…}}`.
 */
export const KNOWN_VARIABLES = ['agent.name', 'agent.id', 'agent.email', 'contact.name', 'contact.email', 'contact.phone', 'queue.name'] as const;
export type KnownVariable = (typeof KNOWN_VARIABLES)[number];

const VARIABLE = /\{\{\s*([a-zA-Z][\w.]{0,63})\s*\}\}/g;

/** Variable names in order of first appearance, without duplicates. */
export function templateVariables(body: string): string[] {
  const names: string[] = [];
  for (const match of body.matchAll(VARIABLE)) if (!names.includes(match[1]!)) names.push(match[1]!);
  return names;
}

export const isKnownVariable = (name: string): name is KnownVariable => (KNOWN_VARIABLES as readonly string[]).includes(name);

/** Values the context can propose for each variable (empty string = unknown, ask the agent). */
export function proposeValues(body: string, context: Partial<Record<KnownVariable, string | null>>): Record<string, string> {
  return Object.fromEntries(templateVariables(body).map((name) => [name, (isKnownVariable(name) ? context[name] : null) ?? '']));
}

export type RenderResult = { ok: true; text: string } | { ok: false; missing: string[] };

/** Fills every variable; refuses (listing them) while one has no value. */
export function renderTemplate(body: string, values: Record<string, string>): RenderResult {
  const missing = templateVariables(body).filter((name) => !values[name]?.trim());
  if (missing.length) return { ok: false, missing };
  return { ok: true, text: body.replace(VARIABLE, (_, name: string) => values[name]!.trim()) };
}

/** Braces that look like a variable but are not one (`{{ }}`, `{{1x}}`, unclosed): refused when an admin saves. */
export function malformedPlaceholders(body: string): string[] {
  const stripped = body.replace(VARIABLE, '');
  return [...stripped.matchAll(/\{\{[^}]*\}?\}?/g)].map((m) => m[0]);
}
