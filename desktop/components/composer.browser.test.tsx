/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { setLocale } from '../i18n/index.ts';
import { waitFor } from '../../widget/testing/wait-for.ts';
import { Composer } from './composer.tsx';

/** A controlled composer like the pane uses: sending records the text and clears the box. */
function Harness({ sent, clear = true }: { sent: string[]; clear?: boolean }) {
  const [value, setValue] = useState('');
  return (
    <Composer
      value={value}
      error={null}
      onInput={setValue}
      onSend={() => {
        sent.push(value);
        if (clear) setValue('');
      }}
    />
  );
}

describe('Composer', () => {
  let container: HTMLElement;
  beforeEach(() => {
    setLocale('en');
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
  });

  const textarea = () => container.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]')!;

  it('sends on Enter and inserts a new line on Shift+Enter', async () => {
    const sent: string[] = [];
    render(<Harness sent={sent} />, container);
    textarea().focus();
    await sendKeys({ type: 'first line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    expect(textarea().value).to.equal('first line\nsecond line');
    expect(sent).to.deep.equal([]);

    await sendKeys({ press: 'Enter' });
    expect(sent).to.deep.equal(['first line\nsecond line']);
    await waitFor(() => textarea().value === '', { what: 'the box cleared after sending' });
  });

  it('does not add a new line to the text when Enter sends', async () => {
    const sent: string[] = [];
    render(<Harness sent={sent} clear={false} />, container);
    textarea().focus();
    await sendKeys({ type: 'Hello' });
    await sendKeys({ press: 'Enter' });
    expect(sent).to.deep.equal(['Hello']);
    expect(textarea().value).to.equal('Hello');
  });

  it('sends with the Send button and keeps it disabled while the box is blank', async () => {
    const sent: string[] = [];
    render(<Harness sent={sent} />, container);
    const button = container.querySelector<HTMLButtonElement>('[data-testid="composer-send"]')!;
    expect(button.disabled).to.equal(true);
    textarea().focus();
    await sendKeys({ type: 'Thanks!' });
    expect(button.disabled).to.equal(false);
    button.click();
    expect(sent).to.deep.equal(['Thanks!']);
  });

  it('shows an error next to the box and keeps the text', () => {
    render(<Composer value="kept text" error="The message is too long." onInput={() => undefined} onSend={() => undefined} />, container);
    expect(textarea().value).to.equal('kept text');
    expect(textarea().getAttribute('aria-invalid')).to.equal('true');
    expect(container.querySelector('[data-testid="composer-error"]')!.textContent).to.equal('The message is too long.');
  });
});
