/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ERROR_CODES } from '../../protocol/index.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';
import { enMore } from './en-more.ts';
import { frMore } from './fr-more.ts';
import { errorText, setLocale, t } from './index.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('desktop i18n catalogues', () => {
  afterEach(() => setLocale('en'));

  it('have exactly the same keys in en and fr, none empty', () => {
    expect(Object.keys(fr).sort()).to.deep.equal(Object.keys(en).sort());
    for (const [key, text] of [...Object.entries(en), ...Object.entries(fr)]) expect(text.trim(), key).to.not.equal('');
  });

  it('include the Communication / supervisor / admin catalogues, complete in both languages', () => {
    expect(Object.keys(frMore).sort()).to.deep.equal(Object.keys(enMore).sort());
    for (const key of Object.keys(enMore) as (keyof typeof enMore)[]) {
      expect(en[key], key).to.equal(enMore[key]);
      expect(fr[key], key).to.equal(frMore[key]);
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(fr[key]), key).to.deep.equal(placeholders(en[key]));
  });

  it('localize every protocol error code', () => {
    setLocale('fr');
    for (const code of Object.keys(ERROR_CODES)) expect(errorText(code, 'server text')).to.equal(fr[`error.${code}` as keyof typeof fr]);
    expect(errorText('SOMETHING_NEW', 'server text')).to.equal('server text');
  });

  it('switch language and fill placeholders', () => {
    setLocale('fr');
    expect(t('typing.visitor', { name: 'Marie' })).to.equal('Marie écrit…');
    expect(document.documentElement.lang).to.equal('fr');
    setLocale('en');
    expect(t('typing.visitor', { name: 'Marie' })).to.equal('Marie is typing…');
  });
});
