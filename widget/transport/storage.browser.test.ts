/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { createStore } from './storage.ts';

const blocked = (): Storage => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};

describe('createStore', () => {
  it('persists JSON values under parley:<websiteKey>:', () => {
    const store = createStore('storage-test');
    store.set('token', 'abc');
    expect(localStorage.getItem('parley:storage-test:token')).to.equal('"abc"');
    expect(createStore('storage-test').get('token')).to.equal('abc');
    store.remove('token');
    expect(localStorage.getItem('parley:storage-test:token')).to.equal(null);
  });

  it('falls back to memory when localStorage throws (private mode)', () => {
    const store = createStore('blocked-test', blocked);
    store.set('outbox', [{ clientId: '1', text: 'kept' }]);
    expect(store.get('outbox')).to.deep.equal([{ clientId: '1', text: 'kept' }]);
    expect(store.persistent).to.equal(false);
  });

  it('falls back to memory when the quota is exceeded mid-session', () => {
    const data = new Map<string, string>();
    let full = false;
    const quota = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (full) throw new DOMException('full', 'QuotaExceededError');
        data.set(k, v);
      },
      removeItem: (k: string) => void data.delete(k),
    } as Storage;
    const store = createStore('quota-test', () => quota);
    store.set('lastSeq', 1);
    full = true;
    store.set('lastSeq', 2);
    expect(store.get('lastSeq')).to.equal(2);
  });

  it('survives window.localStorage itself throwing on access', () => {
    const descriptor = Object.getOwnPropertyDescriptor(window, 'localStorage');
    Object.defineProperty(window, 'localStorage', { configurable: true, get: blocked });
    try {
      const store = createStore('window-blocked');
      store.set('open', true);
      expect(store.get('open')).to.equal(true);
    } finally {
      if (descriptor) Object.defineProperty(window, 'localStorage', descriptor);
      else delete (window as { localStorage?: Storage }).localStorage;
    }
    expect(() => window.localStorage.getItem('x')).not.to.throw();
  });
});
