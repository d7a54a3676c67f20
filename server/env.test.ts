import { describe, expect, it } from 'vitest';
import { demoSeedPassword, loadEnv, metricsAccess, parseListenAddress, PUBLIC_DEMO_PASSWORD } from './env.ts';

/** Issue 16, finding 9: the demo (and its admin) is seeded only where it is asked for. */
const PRODUCTION = { NODE_ENV: 'production', SECRET: 'a-production-secret-0123456789' };

describe('the demo seed settings', () => {
  it('seeds the demo with the public password outside production (the README’s `npm start`)', () => {
    expect(loadEnv({})).toMatchObject({ nodeEnv: 'development', seedDemo: true, demoPassword: PUBLIC_DEMO_PASSWORD });
    expect(loadEnv({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it('never seeds in production unless told to', () => {
    expect(loadEnv(PRODUCTION)).toMatchObject({ seedDemo: false, demoPassword: null });
  });

  it('refuses to seed in production without DEMO_PASSWORD, or with the public one', () => {
    expect(() => loadEnv({ ...PRODUCTION, SEED_DEMO: 'true' })).toThrow(/DEMO_PASSWORD: required to seed the demo in production/);
    expect(() => loadEnv({ ...PRODUCTION, SEED_DEMO: 'true', DEMO_PASSWORD: PUBLIC_DEMO_PASSWORD })).toThrow(/DEMO_PASSWORD: "parley-demo" is public/);
    expect(() => loadEnv({ ...PRODUCTION, SEED_DEMO: 'true', DEMO_PASSWORD: 'short' })).toThrow(/DEMO_PASSWORD must be at least 10 characters/);
    expect(loadEnv({ ...PRODUCTION, SEED_DEMO: 'true', DEMO_PASSWORD: 'our-own-demo-password' })).toMatchObject({ seedDemo: true, demoPassword: 'our-own-demo-password' });
  });

  it('refuses the public password in production whoever asks (scripts, overrides of the parsed environment)', () => {
    expect(() => demoSeedPassword({ nodeEnv: 'production', demoPassword: PUBLIC_DEMO_PASSWORD })).toThrow(/is public/);
    expect(() => demoSeedPassword({ nodeEnv: 'production', demoPassword: null })).toThrow(/required/);
    expect(demoSeedPassword({ nodeEnv: 'test', demoPassword: null })).toBe(PUBLIC_DEMO_PASSWORD);
  });
});

describe('the webhook target settings', () => {
  it('keeps webhooks off private networks unless WEBHOOKS_ALLOW_PRIVATE_TARGETS says otherwise', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(loadEnv({ NODE_ENV, SECRET: 'a-secret-of-sixteen-chars' }).webhooksAllowPrivateTargets).toBe(false);
    }
    expect(loadEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' }).webhooksAllowPrivateTargets).toBe(true);
    expect(loadEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false' }).webhooksAllowPrivateTargets).toBe(false);
  });
});

describe('the secrets', () => {
  const SECRET = 'the-current-secret-0123456789';
  it('reads SECRET_PREVIOUS as secrets separated by commas or newlines, none by default', () => {
    expect(loadEnv({ SECRET }).secretPrevious).toEqual([]);
    expect(loadEnv({ SECRET, SECRET_PREVIOUS: 'old-secret-number-one-0123, old-secret-number-two-4567\nold-secret-number-three-89\n' }).secretPrevious).toEqual([
      'old-secret-number-one-0123',
      'old-secret-number-two-4567',
      'old-secret-number-three-89',
    ]);
  });

  it('refuses a previous secret that is too short, or the current SECRET among the previous ones', () => {
    expect(() => loadEnv({ SECRET, SECRET_PREVIOUS: 'old-secret-number-one-0123,short' })).toThrow(/SECRET_PREVIOUS: every previous secret must be at least 16 characters/);
    expect(() => loadEnv({ SECRET, SECRET_PREVIOUS: `old-secret-number-one-0123,${SECRET}` })).toThrow(/SECRET_PREVIOUS: must not contain the current SECRET/);
  });
});

describe('who may read /metrics', () => {
  const production = { NODE_ENV: 'production', SECRET: 'a-production-secret-0123456789' };
  it('is closed in production without a token, open in development and the demo', () => {
    expect(metricsAccess(loadEnv(production))).toEqual({ kind: 'closed' });
    expect(metricsAccess(loadEnv({}))).toEqual({ kind: 'open' });
  });

  it('asks for the token when METRICS_TOKEN is set, and serves nobody on the main port when METRICS_LISTEN is private', () => {
    expect(metricsAccess(loadEnv({ ...production, METRICS_TOKEN: 'scrape-token-0123456789' }))).toEqual({ kind: 'token', token: 'scrape-token-0123456789' });
    const listen = loadEnv({ METRICS_LISTEN: '10.0.0.5:9464' });
    expect(listen.metricsListen).toEqual({ host: '10.0.0.5', port: 9464 });
    expect(metricsAccess(listen)).toEqual({ kind: 'closed' });
  });

  it('reads METRICS_LISTEN as host:port, IPv6 in brackets, and refuses anything else', () => {
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    for (const bad of ['9464', '10.0.0.5', '10.0.0.5:99999', '::1:9464', 'http://10.0.0.5:9464']) expect(parseListenAddress(bad), bad).toBeNull();
    expect(() => loadEnv({ METRICS_LISTEN: '9464' })).toThrow('METRICS_LISTEN');
  });
});

describe('the attachments storage', () => {
  it('keeps files in the database by default, where every node reads them', () => {
    expect(loadEnv({}).attachmentsStorage).toEqual({ kind: 'postgres' });
    expect(loadEnv({ ATTACHMENTS_STORAGE: 'disk' }).attachmentsStorage).toEqual({ kind: 'disk' });
  });

  it('reads the S3 settings together, and refuses a half-configured bucket', () => {
    const s3 = { ATTACHMENTS_STORAGE: 's3', S3_BUCKET: 'parley-files', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret', S3_FORCE_PATH_STYLE: 'true' };
    expect(loadEnv(s3).attachmentsStorage).toEqual({
      kind: 's3',
      bucket: 'parley-files',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      forcePathStyle: true,
    });
    expect(loadEnv({ ATTACHMENTS_STORAGE: 's3', S3_BUCKET: 'parley-files' }).attachmentsStorage).toMatchObject({ endpoint: null, credentials: null, forcePathStyle: false });
    expect(() => loadEnv({ ATTACHMENTS_STORAGE: 's3' })).toThrow(/S3_BUCKET: required with ATTACHMENTS_STORAGE=s3/);
    expect(() => loadEnv({ ...s3, S3_SECRET_ACCESS_KEY: '' })).toThrow(/set both or neither/);
    expect(() => loadEnv({ ATTACHMENTS_STORAGE: 'ftp' })).toThrow(/ATTACHMENTS_STORAGE/);
  });
});

describe('the X channel settings (issue 19)', () => {
  it('is off by default, with X\'s own URLs; the fake X API runs for `npm start` outside production only', () => {
    const off = loadEnv({});
    expect(off.x).toMatchObject({ apiBaseUrl: 'https://api.x.com', authorizeUrl: 'https://x.com/i/oauth2/authorize', clientId: null, pollIntervalSec: 60, fake: true, fakePort: 0 });
    expect(loadEnv({ NODE_ENV: 'production', SECRET: 'a-production-secret-of-32-chars!', X_FAKE: 'true' }).x.fake).toBe(false);
    expect(loadEnv({ X_FAKE: '0' }).x.fake).toBe(false);
    // A real X app configured: the fake stays off unless asked for.
    expect(loadEnv({ X_CLIENT_ID: 'client' }).x).toMatchObject({ clientId: 'client', fake: false });
  });

  it('refuses X set partially with what is missing', () => {
    expect(() => loadEnv({ X_CLIENT_SECRET: 'secret' })).toThrow(/X_CLIENT_ID: required with X_CLIENT_SECRET/);
    expect(() => loadEnv({ X_CLIENT_ID: 'client', X_APP_BEARER_TOKEN: 'token' })).toThrow(/X_CONSUMER_SECRET: required with X_APP_BEARER_TOKEN/);
    expect(() => loadEnv({ X_API_BASE_URL: 'not a url' })).toThrow(/X_API_BASE_URL/);
    expect(() => loadEnv({ X_POLL_INTERVAL_SEC: '1' })).toThrow(/X_POLL_INTERVAL_SEC/);
    expect(loadEnv({ X_CLIENT_ID: 'c', X_CONSUMER_SECRET: 's', X_APP_BEARER_TOKEN: 't', X_API_BASE_URL: 'http://127.0.0.1:4100/' }).x.apiBaseUrl).toBe('http://127.0.0.1:4100');
  });
});
