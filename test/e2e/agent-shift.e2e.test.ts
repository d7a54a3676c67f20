/**
 * Issue 4, end to end: an agent's shift in the desktop. Three chats at once, a
 * quick reply with its variables filled, a transfer, an end with disposition and
 * notes; later the agent writes to that contact from the Communication tab, the
 * visitor comes back, sees it with a badge and answers, and the agent is notified.
 */
import { describe, expect, it } from 'vitest';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';
import { DEMO_AGENT } from './system.ts';

describe("an agent's shift in the desktop", () => {
  const { system: running, newContext } = useSystemAndBrowser();

  it('handles three chats, a quick reply, a transfer, a wrap-up and an asynchronous follow-up', async () => {
    const system = running();
    const ada = await AgentDesk.login(await newContext(), system.url, DEMO_AGENT);
    const page = ada.page;
    await ada.setPresence('ready');

    // Three visitors write; Ada accepts the three offers.
    const visitors: VisitorPage[] = [];
    for (const [i, text] of ['First: where is my order?', 'Second: billing question', 'Third: broken teapot lid'].entries()) {
      const visitor = await VisitorPage.open(await newContext(), `${system.url}/demo/`);
      await visitor.openPanel();
      await visitor.send(text);
      await visitor.waitForRow(text);
      visitors.push(visitor);
      await ada.offer().first().waitFor();
      await ada.acceptOffer();
      await eventually(async () => expect(await page.getByTestId('contact-tab').count()).toBe(i + 1), `${i + 1} contact tabs`);
    }
    const tabFor = (text: string) => page.getByTestId('contact-tab').filter({ hasText: text });
    const openTab = async (text: string) => {
      await tabFor(text).click();
      await page.getByTestId('transcript-row').filter({ hasText: text }).first().waitFor();
    };

    // Chat 1: a quick reply whose variables are filled (agent name known, order number asked).
    await openTab('First: where is my order?');
    await page.getByTestId('quick-replies-button').click();
    await page.getByTestId('quick-reply-search').fill('order');
    await page.getByTestId('quick-reply-item').first().click();
    const orderNumber = page.locator('[data-testid=quick-reply-variable][data-name=order_number]');
    await orderNumber.waitFor();
    expect(await page.getByTestId('quick-reply-insert').isDisabled()).toBe(true);
    await orderNumber.fill('#1042');
    for (const field of await page.getByTestId('quick-reply-variable').all()) {
      if (!(await field.inputValue())) await field.fill('Sam');
    }
    await page.getByTestId('quick-reply-insert').click();
    const draft = await page.getByTestId('composer-input').inputValue();
    expect(draft).toContain('#1042');
    expect(draft).not.toContain('{{');
    await page.getByTestId('composer-input').press('Enter');
    await visitors[0]!.page.locator('parley-messenger [data-testid=message][data-author=agent]').filter({ hasText: '#1042' }).waitFor();
    expect(await visitors[0]!.page.locator('parley-messenger [data-testid=message-text]').filter({ hasText: '{{' }).count()).toBe(0);

    // Chat 2: transferred to the Billing queue; it leaves Ada's tabs.
    await openTab('Second: billing question');
    await ada.transferTo('queue', 'Billing');
    await eventually(async () => expect(await tabFor('Second: billing question').count()).toBe(0), 'transferred tab removed');

    // Chat 3: ended with a disposition and notes.
    await openTab('Third: broken teapot lid');
    await page.getByTestId('end-chat').click();
    await page.getByTestId('end-chat-confirm').click();
    await page.getByTestId('wrapup-disposition').selectOption('resolved');
    await page.getByTestId('wrapup-notes').fill('Sent a replacement lid.');
    await page.getByTestId('wrapup-save').click();
    await eventually(async () => expect(await tabFor('Third: broken teapot lid').count()).toBe(0), 'wrapped-up tab closed');

    // The third visitor leaves the site.
    const third = visitors[2]!;
    const conversationId = await third.page.evaluate(() => {
      const cached = JSON.parse(localStorage.getItem('parley:demo-shop:transcript') ?? '[]') as { conversationId: string }[];
      return cached[0]?.conversationId ?? null;
    });
    expect(conversationId).toBeTruthy();
    await third.closePanel();
    const thirdContext = third.page.context();
    await third.page.close();

    // Later, Ada finds the contact in the Communication tab and writes to them.
    await page.getByTestId('tab-communication').click();
    const contactItem = page.locator(`[data-testid=contact-item][data-conversation-id="${conversationId}"]`);
    await contactItem.click();
    await page.getByTestId('comm-transcript').filter({ hasText: 'Third: broken teapot lid' }).waitFor();
    await page.getByTestId('comm-composer').fill('Good news: the new lid ships tomorrow.');
    await page.getByTestId('comm-send').click();
    await page.getByTestId('comm-transcript').filter({ hasText: 'Good news: the new lid ships tomorrow.' }).waitFor();

    // The visitor comes back: a badge, the message once, and they answer.
    const back = await VisitorPage.open(thirdContext, `${system.url}/demo/cart.html`);
    await eventually(async () => expect((await back.badge().textContent())?.trim()).toBe('1'), 'unread badge');
    await back.openPanel();
    await back.waitForRow('Good news: the new lid ships tomorrow.');
    expect(await back.countRows('Good news: the new lid ships tomorrow.')).toBe(1);
    await back.send('Wonderful, thank you!');
    await back.waitForRow('Wonderful, thank you!');

    // Ada is notified, with a Show action that opens the contact.
    const notification = page.getByTestId('notification').filter({ hasText: 'Wonderful, thank you!' });
    await notification.waitFor();
    await notification.getByTestId('notification-show').click();
    await page.getByTestId('comm-transcript').filter({ hasText: 'Wonderful, thank you!' }).waitFor();
  });
});
