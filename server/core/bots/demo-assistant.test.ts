import { describe, expect, it } from 'vitest';
import { BotCursor } from '../../../protocol/index.ts';
import { demoAssistantDefinition } from './demo-assistant.ts';
import { advance } from './interpreter.ts';
import { context, play, press, Q, shown, text } from './test-flows.ts';

const demo = demoAssistantDefinition(Q);

describe('demo assistant, end to end through the interpreter', () => {
  it('greets, qualifies an order question, re-asks an invalid email, and hands off to General with the email', () => {
    const results = play(demo, [press('order_status', 'Order status'), text('ada@example'), text('ada@example.com')]);
    expect(results.map(shown)).toEqual([
      ['Hi! I am the Kettle & Leaf assistant.', 'What can we help you with? [Order status|Returns|Something else]'],
      ['What email address did you order with?'],
      ['That does not look like an email address. Could you check it?'],
      ['Thanks! I am passing you to our team.'],
    ]);
    expect(results.at(-1)!.handoff).toEqual({ queueId: Q, attributes: { topic: 'order_status', email: 'ada@example.com', reason: 'Order status' }, reason: 'flow' });
  });

  it('speaks French to a French visitor', () => {
    const results = play(demo, [press('returns'), press('yes')], context({ locale: 'fr-FR' }));
    expect(results.map(shown)).toEqual([
      ["Bonjour ! Je suis l'assistant de Kettle & Leaf.", 'Comment pouvons-nous vous aider ? [Suivi de commande|Retours|Autre chose]'],
      ['Vous pouvez retourner un article sous 30 jours après la livraison.', 'Cela répond-il à votre question ? [Oui, merci|Non]'],
      ['Ravis de vous avoir aidé. Bonne journée !'],
    ]);
    expect(results.at(-1)).toMatchObject({ ended: true });
  });

  it.each([
    { path: [press('other')], reason: 'Something else' },
    { path: [press('returns'), press('no')], reason: 'Returns' },
  ])('hands off with reason $reason', ({ path, reason }) => {
    expect(play(demo, path).at(-1)!.handoff).toMatchObject({ queueId: Q, attributes: { reason } });
  });

  it('"talk to a person" works mid-flow, in French too', () => {
    const last = play(demo, [press('order_status'), text('Je veux un conseiller')], context({ locale: 'fr' })).at(-1)!;
    expect(last.handoff).toEqual({ queueId: Q, attributes: { topic: 'order_status' }, reason: 'visitor_request' });
    expect(shown(last)).toEqual(['Bien sûr, je vous mets en relation avec un conseiller.']);
  });

  it('resumes after a restart at the email question', () => {
    const atEmail = play(demo, [press('order_status')]).at(-1)!;
    const restored = BotCursor.parse(JSON.parse(JSON.stringify(atEmail.cursor)));
    const r = advance(demo, restored, text('ada@example.com'), context());
    expect(r).toMatchObject({ ok: true, handoff: { attributes: { email: 'ada@example.com' } } });
  });

  it('three invalid emails still reach an agent (onFailure)', () => {
    const last = play(demo, [press('order_status'), text('a'), text('b'), text('c')]).at(-1)!;
    expect(last.handoff).toEqual({ queueId: Q, attributes: { topic: 'order_status' }, reason: 'flow' });
  });
});
