import { z } from 'zod';
import { Uuid } from './common.ts';

export const AgentRole = z.enum(['agent', 'supervisor', 'admin']);
export type AgentRole = z.infer<typeof AgentRole>;

export const AgentProfile = z.object({
  id: Uuid,
  email: z.email(),
  name: z.string(),
  role: AgentRole,
});
export type AgentProfile = z.infer<typeof AgentProfile>;
