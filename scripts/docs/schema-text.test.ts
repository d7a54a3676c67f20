import { z } from 'zod';
import { Message, QuickReplyInput } from '../../protocol/index.ts';
import { describe, expect, it } from 'vitest';
import { slug } from './markdown.ts';
import { jsonSchemaOf } from './protocol-types.ts';
import { fieldsTable, shapeBlock, typeText } from './schema-text.ts';

describe('readable types from zod schemas', () => {
  it('names formats, bounds, enums and nullable values as a reader knows them', () => {
    const schema = z.object({
      id: z.uuid(),
      at: z.iso.datetime({ offset: true }),
      text: z.string().min(1).max(4000),
      seq: z.number().int().min(0),
      width: z.number().int().positive().nullable(),
      state: z.enum(['waiting', 'active']),
      tags: z.array(z.string()).max(20).optional(),
    });
    expect(fieldsTable(jsonSchemaOf(schema, 'output'))).toBe(
      [
        '| Field | Type |',
        '| --- | --- |',
        '| `id` | `uuid` |',
        '| `at` | `ISO 8601 date-time` |',
        '| `text` | `string` (1–4000 characters) |',
        '| `seq` | `integer` ≥ 0 |',
        '| `width` | `integer` > 0 \\| `null` |',
        '| `state` | `"waiting"` \\| `"active"` |',
        '| `tags?` | `string`[] (≤ 20 items) |',
      ].join('\n'),
    );
  });

  it('links a named protocol type instead of repeating it, and shows what a sender may leave out', () => {
    const ack = jsonSchemaOf(z.object({ message: Message }), 'output');
    expect(typeText(ack.properties!.message!)).toBe('[Message](#message)');
    expect(Object.keys(ack.$defs!)).toContain('Message');
    const input = jsonSchemaOf(QuickReplyInput, 'input');
    expect(shapeBlock(input.$defs!.QuickReplyInput!)).toContain('| `queueId?` | `uuid` \\| `null` | Default `null`. |');
  });

  it('says so when a payload is empty', () => {
    expect(shapeBlock(jsonSchemaOf(z.object({}).strict(), 'output'))).toBe('Nothing: `{}`.');
  });
});

describe('GitHub heading anchors', () => {
  it('match what GitHub generates', () => {
    expect(slug('`message:send` (visitor → server)')).toBe('messagesend-visitor--server');
    expect(slug('Verified identity, attributes and logout')).toBe('verified-identity-attributes-and-logout');
    expect(slug('1. Get the website\'s identity secret')).toBe('1-get-the-websites-identity-secret');
    expect(slug('The `Messenger` API')).toBe('the-messenger-api');
    expect(slug('Nothing lost, nothing doubled')).toBe('nothing-lost-nothing-doubled');
  });
});
