import { describe, expect, it } from 'vitest';
import { malformedPlaceholders, proposeValues, renderTemplate, templateVariables } from './quick-reply-template.ts';

describe('quick-reply templating', () => {
  const body = 'Hi {{contact.name}}, I am {{ agent.name }} (#{{agent.id}}). Your order {{order_number}} ships today, {{contact.name}}.';

  it('lists variables once, in order of appearance', () => {
    expect(templateVariables(body)).toEqual(['contact.name', 'agent.name', 'agent.id', 'order_number']);
  });

  it('proposes known values from the context and leaves unknown ones to ask', () => {
    expect(proposeValues(body, { 'agent.name': 'Ada', 'agent.id': 'a-1', 'contact.name': null })).toEqual({
      'contact.name': '',
      'agent.name': 'Ada',
      'agent.id': 'a-1',
      order_number: '',
    });
  });

  it('refuses to render while a variable has no value, naming the missing ones', () => {
    expect(renderTemplate(body, { 'contact.name': 'Grace', 'agent.name': 'Ada', 'agent.id': 'a-1', order_number: '  ' })).toEqual({
      ok: false,
      missing: ['order_number'],
    });
  });

  it('fills every occurrence, trimmed, and leaves no {{…}} behind', () => {
    const result = renderTemplate(body, { 'contact.name': 'Grace ', 'agent.name': 'Ada', 'agent.id': 'a-1', order_number: '#1042' });
    expect(result).toEqual({ ok: true, text: 'Hi Grace, I am Ada (#a-1). Your order #1042 ships today, Grace.' });
  });

  it('finds malformed placeholders an admin must fix', () => {
    expect(malformedPlaceholders('Hello {{ }} and {{1x}} and {{agent.name}} and {{open')).toEqual(['{{ }}', '{{1x}}', '{{open']);
    expect(malformedPlaceholders(body)).toEqual([]);
  });
});
