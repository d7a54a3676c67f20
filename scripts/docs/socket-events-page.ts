import type { z } from 'zod';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE, VisitorHandshake, agentInbound, agentOutbound, visitorInbound, visitorOutbound, type InboundTable, type OutboundTable } from '../../protocol/index.ts';
import { code, generatedNotice, slug, table } from './markdown.ts';
import { jsonSchemaOf, type Io } from './protocol-types.ts';
import { shapeBlock, type JsonSchema } from './schema-text.ts';

/** docs/api/socket-events.md, from the event tables of protocol/visitor-events.ts and protocol/agent-events.ts. */

interface Namespace {
  title: string;
  name: string;
  client: string;
  intro: string;
  inbound: InboundTable;
  outbound: OutboundTable;
}

const NAMESPACES: Namespace[] = [
  {
    title: 'Visitor namespace',
    name: VISITOR_NAMESPACE,
    client: 'visitor',
    intro: 'The widget\'s socket. The handshake carries `auth: { websiteKey, token?, locale? }` ([VisitorHandshake](#visitorhandshake)); no token until the visitor first writes.',
    inbound: visitorInbound,
    outbound: visitorOutbound,
  },
  {
    title: 'Agent namespace',
    name: AGENT_NAMESPACE,
    client: 'agent',
    intro: 'The agent desktop\'s socket, authenticated by the session cookie of `POST /api/v1/auth/login`; browsers may connect only from the server\'s own origin.',
    inbound: agentInbound,
    outbound: agentOutbound,
  },
];

/** Every event without a description, as `namespace event` (a test requires none). */
export function undescribedEvents(): string[] {
  return NAMESPACES.flatMap((ns) => [
    ...Object.entries(ns.inbound).filter(([, spec]) => !spec.description).map(([event]) => `${ns.name} ${event} (client → server)`),
    ...Object.entries(ns.outbound).filter(([, schema]) => !schema.description).map(([event]) => `${ns.name} ${event} (server → client)`),
  ]);
}

/** The named types the page refers to, each with its JSON Schema. */
class Types {
  private readonly defs = new Map<string, JsonSchema>();

  /** The schema as Markdown; named types it uses are remembered for the Types section. */
  shape(schema: z.ZodType, io: Io): string {
    const json = jsonSchemaOf(schema, io);
    for (const [name, def] of Object.entries(json.$defs ?? {})) this.remember(name, def);
    const { $defs: _defs, ...root } = json;
    return shapeBlock(root);
  }

  private remember(name: string, def: JsonSchema): void {
    const known = this.defs.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(def)) throw new Error(`Two shapes for ${name}: name the input form apart.`);
    this.defs.set(name, def);
  }

  section(): string {
    const names = [...this.defs.keys()].sort();
    return names.map((name) => `### ${name}\n\n${shapeBlock(this.defs.get(name)!)}`).join('\n\n');
  }
}

const eventHeading = (event: string, direction: string) => `${code(event)} (${direction})`;
const anchor = (heading: string) => `#${slug(heading)}`;

function namespaceSection(ns: Namespace, types: Types): string {
  const up = `${ns.client} → server`;
  const down = `server → ${ns.client}`;
  const inbound = Object.entries(ns.inbound);
  const outbound = Object.entries(ns.outbound);
  const summary = table(
    ['Event', 'Direction', 'What it does'],
    [
      ...inbound.map(([event, spec]) => [`[${code(event)}](${anchor(eventHeading(event, up))})`, up, spec.description ?? '']),
      ...outbound.map(([event, schema]) => [`[${code(event)}](${anchor(eventHeading(event, down))})`, down, schema.description ?? '']),
    ],
  );
  const requests = inbound.map(([event, spec]) =>
    [
      `### ${eventHeading(event, up)}`,
      spec.description ?? '',
      `**Payload**\n\n${types.shape(spec.input, 'input')}`,
      `**Ack data** (inside \`{ ok: true, data }\`; errors come as \`{ ok: false, error }\`)\n\n${types.shape(spec.output, 'output')}`,
    ].join('\n\n'),
  );
  const pushes = outbound.map(([event, schema]) => [`### ${eventHeading(event, down)}`, schema.description ?? '', `**Payload**\n\n${types.shape(schema, 'output')}`].join('\n\n'));
  return [`## ${ns.title} ${code(ns.name)}`, ns.intro, summary, ...requests, ...pushes].join('\n\n');
}

export function socketEventsPage(): string {
  const types = new Types();
  const sections = NAMESPACES.map((ns) => namespaceSection(ns, types));
  // The handshake is not an event, but its shape is part of the contract (linked from the intro).
  types.shape(VisitorHandshake, 'input');
  return `${generatedNotice('protocol/visitor-events.ts and protocol/agent-events.ts')}

# Socket events

Both namespaces run on Socket.IO at the path \`/socket.io\`, **websocket transport only**, with JSON text packets
(\`protocol/socket-io-json-parser.ts\`; a binary packet is refused). Every client → server event is acknowledged exactly
once with \`{ ok: true, data }\` or \`{ ok: false, error }\`, where \`error\` is one of the [error codes](errors.md); an event
not listed here answers \`UNKNOWN_EVENT\` and a payload that does not match answers \`VALIDATION_FAILED\` (an over-long
text \`MESSAGE_TOO_LONG\`), and the connection stays up. How the widget and the desktop use these events is told in
[the architecture](../internals/architecture.md).

${sections.join('\n\n')}

## Types

Shapes named above, in alphabetical order. A field marked \`?\` may be absent.

${types.section()}
`;
}
