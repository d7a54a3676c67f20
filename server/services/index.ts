import { createAgentService } from './agent-service.ts';
import { createAuthService } from './auth-service.ts';
import type { ServiceDeps } from './deps.ts';
import { createVisitorService } from './visitor-service.ts';

export function createServices(deps: ServiceDeps) {
  return {
    visitor: createVisitorService(deps),
    agent: createAgentService(deps),
    auth: createAuthService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps } from './deps.ts';
