import { parseArgs } from 'node:util';
import { createFakeX, type Mode } from './index.ts';

// node --import tsx test/fakes/x-api/main.ts --port 4100 [--mode enterprise] [--interactive]
// Flags win over the environment (FAKE_X_*); defaults make a usable demo brand.

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    mode: { type: 'string' },
    'consumer-secret': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'app-token': { type: 'string' },
    'brand-id': { type: 'string' },
    'brand-username': { type: 'string' },
    'brand-name': { type: 'string' },
    interactive: { type: 'boolean' },
  },
});
const env = process.env;
const mode = (values.mode ?? env.FAKE_X_MODE ?? 'self-serve') as Mode;
if (mode !== 'self-serve' && mode !== 'enterprise') throw new Error('--mode must be self-serve or enterprise');
const clientSecret = values['client-secret'] ?? env.FAKE_X_CLIENT_SECRET;
const appBearerToken = values['app-token'] ?? env.FAKE_X_APP_BEARER_TOKEN;

const fake = createFakeX({
  mode,
  consumerSecret: values['consumer-secret'] ?? env.FAKE_X_CONSUMER_SECRET ?? 'fake-x-consumer-secret',
  clientId: values['client-id'] ?? env.FAKE_X_CLIENT_ID ?? 'fake-x-client-id',
  ...(clientSecret ? { clientSecret } : {}),
  ...(appBearerToken ? { appBearerToken } : {}),
  brand: {
    id: values['brand-id'] ?? env.FAKE_X_BRAND_ID ?? '1700000000000000001',
    username: values['brand-username'] ?? env.FAKE_X_BRAND_USERNAME ?? 'ParleyDemo',
    name: values['brand-name'] ?? env.FAKE_X_BRAND_NAME ?? 'Parley Demo',
  },
  interactiveConsent: values.interactive ?? env.FAKE_X_INTERACTIVE === '1',
});
const port = Number(values.port ?? env.FAKE_X_PORT ?? 4100);
const { url, close } = await fake.listen(port, values.host ?? env.FAKE_X_HOST ?? '127.0.0.1');
console.log(`Fake X API on ${url} (mode ${mode}); post as a customer at ${url}/__fake/`);
console.log(`App-only bearer token: ${fake.control.appBearerToken}`);
const stop = () => void close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
