/** Page helpers for the two sides of a conversation, using the widget's and desktop's data-testid hooks. */
import { expect } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO_AGENT } from './system.ts';

export interface AgentCredentials {
  email: string;
  password: string;
}

/** Polls until `check` passes; Playwright's own expect is not used with vitest. */
export async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The visitor's side: the widget in its shadow root (Playwright's CSS pierces open shadow roots). */
export class VisitorPage {
  constructor(readonly page: Page) {}

  static async open(context: BrowserContext, url: string): Promise<VisitorPage> {
    const page = await context.newPage();
    await page.goto(url);
    return new VisitorPage(page);
  }

  private get app(): Locator {
    return this.page.locator('parley-messenger');
  }
  launcher(): Locator {
    return this.page.locator('[data-testid=launcher]').first();
  }
  badge(): Locator {
    return this.app.locator('[data-testid=badge]');
  }
  connection(): Locator {
    return this.app.locator('[data-testid=connection]');
  }

  async openPanel(): Promise<void> {
    await this.launcher().click();
    await this.app.locator('[data-testid=composer]').waitFor({ state: 'visible' });
  }

  async closePanel(): Promise<void> {
    await this.app.locator('[data-testid=close]').click();
    await this.app.locator('[data-testid=panel]').waitFor({ state: 'hidden' });
  }

  async send(text: string): Promise<void> {
    const composer = this.app.locator('[data-testid=composer]');
    await composer.fill(text);
    await composer.press('Enter');
  }

  /** Texts of the transcript's message rows, in order, with their delivery status. */
  async rows(): Promise<{ text: string; author: string | null; status: string | null }[]> {
    return this.app.locator('[data-testid=message]').evaluateAll((nodes) =>
      nodes.map((n) => ({
        text: n.querySelector('[data-testid=message-text]')?.textContent?.trim() ?? '',
        author: n.getAttribute('data-author'),
        status: n.getAttribute('data-status'),
      })),
    );
  }

  async waitForRow(text: string, status = 'sent'): Promise<void> {
    await eventually(async () => {
      const rows = await this.rows();
      expect(rows.filter((r) => r.text === text && r.status === status)).toHaveLength(1);
    }, `row "${text}" ${status}`);
  }

  async countRows(text: string): Promise<number> {
    return (await this.rows()).filter((r) => r.text === text).length;
  }
}

/** The agent's side: the desktop. */
export class AgentDesk {
  constructor(readonly page: Page) {}

  static async login(context: BrowserContext, url: string, who: AgentCredentials = DEMO_AGENT): Promise<AgentDesk> {
    const page = await context.newPage();
    await page.goto(`${url}/desktop/`);
    await page.getByTestId('login-email').fill(who.email);
    await page.getByTestId('login-password').fill(who.password);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    return new AgentDesk(page);
  }

  /** Takes the waiting conversation whose preview mentions `text` and opens it. */
  async take(text: string): Promise<void> {
    const item = this.page.getByTestId('waiting-item').filter({ hasText: text });
    await item.waitFor();
    await item.getByTestId('take-button').click();
    await this.page.getByTestId('mine-item').filter({ hasText: text }).first().waitFor();
    await this.page.getByTestId('mine-item').filter({ hasText: text }).first().click();
    await this.page.getByTestId('composer-input').waitFor();
  }

  async reply(text: string): Promise<void> {
    await this.page.getByTestId('composer-input').fill(text);
    await this.page.getByTestId('composer-input').press('Enter');
    await this.page.locator('[data-testid=transcript-row]:not([data-pending=true])').filter({ hasText: text }).waitFor();
  }

  async transcriptCount(text: string): Promise<number> {
    return this.page.getByTestId('transcript-row').filter({ hasText: text }).count();
  }

  presence(channel = 'chat'): Locator {
    return this.page.locator(`[data-testid=presence-select][data-channel=${channel}]`);
  }

  async setPresence(state: 'ready' | 'not_ready' | 'away', channel = 'chat'): Promise<void> {
    await this.presence(channel).selectOption(state);
    await eventually(async () => expect(await this.presence(channel).getAttribute('data-state')).toBe(state), `presence ${state}`);
  }

  offer(): Locator {
    return this.page.getByTestId('offer');
  }

  /** Accepts the first offer and waits until it is answered (the chat is then open on the desk). */
  async acceptOffer(): Promise<void> {
    const offer = this.offer().first();
    const offerId = await offer.getAttribute('data-offer-id');
    await offer.getByTestId('offer-accept').click();
    await this.page.locator(`[data-testid=offer][data-offer-id="${offerId}"]`).waitFor({ state: 'detached' });
    await this.page.getByTestId('composer-input').waitFor();
  }

  async transferTo(kind: 'agent' | 'team' | 'queue', name: string): Promise<void> {
    await this.page.getByTestId('transfer-button').click();
    await this.page.getByTestId('transfer-search').fill(name);
    await this.page.locator(`[data-testid=transfer-target][data-kind=${kind}]`).filter({ hasText: name }).first().click();
    await this.page.getByTestId('transfer-confirm').click();
    await this.page.getByTestId('transfer-dialog').waitFor({ state: 'hidden' });
  }
}
