import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.ts';

describe('loadEnv', () => {
  it('keeps webhooks off private networks unless WEBHOOKS_ALLOW_PRIVATE_TARGETS says otherwise', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(loadEnv({ NODE_ENV, SECRET: 'a-secret-of-sixteen-chars' }).webhooksAllowPrivateTargets).toBe(false);
    }
    expect(loadEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' }).webhooksAllowPrivateTargets).toBe(true);
    expect(loadEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false' }).webhooksAllowPrivateTargets).toBe(false);
  });
});
