/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ERROR_CODES } from '../../protocol/index.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';
import { enMore } from './en-more.ts';
import { frMore } from './fr-more.ts';
import { errorText, labelled, setLocale, t, tn } from './index.ts';

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

  it('pick the plural form by each language’s rule (French counts 0 as singular)', () => {
    expect([0, 1, 2].map((n) => tn('transfer.queueInfo', n, { waiting: 3 }))).to.deep.equal(['3 waiting, 0 ready', '3 waiting, 1 ready', '3 waiting, 2 ready']);
    expect([0, 1, 2].map((n) => tn('transfer.members', n))).to.deep.equal(['0 members', '1 member', '2 members']);
    setLocale('fr');
    expect([0, 1, 2].map((n) => tn('transfer.queueInfo', n, { waiting: 3 }))).to.deep.equal(['3 en attente, 0 disponible', '3 en attente, 1 disponible', '3 en attente, 2 disponibles']);
  });

  it('put a label before its value with the language’s punctuation', () => {
    expect(labelled('Chat', 'Ready')).to.equal('Chat: Ready');
    setLocale('fr');
    expect(labelled('Chat', 'Disponible')).to.equal('Chat\u00a0: Disponible');
    expect(labelled('Connexion')).to.equal('Connexion\u00a0: ');
  });

  it('switch language and fill placeholders', () => {
    setLocale('fr');
    expect(t('typing.visitor', { name: 'Marie' })).to.equal('Marie écrit…');
    expect(document.documentElement.lang).to.equal('fr');
    setLocale('en');
    expect(t('typing.visitor', { name: 'Marie' })).to.equal('Marie is typing…');
  });
});
