import { z } from 'zod';
import { ActionMap, ActionMapInput, EngagementReport, Outcome, OutcomeInput, ReportQuery, Segment, SegmentInput, Uuid } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { auditActor } from '../audit-actor.ts';
import { Ok } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';
import { patchOf, pathIdOr404 } from '../openapi/validation.ts';

/**
 * Admin › Engagement under /api/v1/admin/engagement (admins only: server/auth/policy.ts): rules
 * (action maps), outcomes, segments, and the report (docs/engagement.md).
 */
const tags = ['engagement'];
const IdParams = z.object({ id: pathIdOr404('No such resource.') });
const WebsiteQuery = z.object({ websiteId: Uuid });

/** The routes of one resource: list (of a website), create, change, delete. */
function resource<I extends z.ZodObject, O extends z.ZodType>(path: string, noun: string, input: I, one: O, key: string, plural: string) {
  const Create = input.extend({ websiteId: Uuid });
  return {
    list: defineRoute({ method: 'get', path, tags, summary: `List a website's ${plural}`, request: { query: WebsiteQuery }, responses: { 200: jsonAnswer(z.object({ [plural === 'rules' ? 'actionMaps' : plural]: z.array(one) }), 'The list.') }, 'x-parley-errors': ['UNKNOWN_WEBSITE'] }),
    create: defineRoute({ method: 'post', path, tags, summary: `Create a ${noun}`, request: { body: jsonBody(Create) }, responses: { 201: jsonAnswer(z.object({ [key]: one }), 'Created.') }, 'x-parley-errors': ['UNKNOWN_WEBSITE', 'CONFLICT'] }),
    update: defineRoute({ method: 'patch', path: `${path}/{id}`, tags, summary: `Change a ${noun} (only the fields sent)`, request: { params: IdParams, body: jsonBody(patchOf(input)) }, responses: { 200: jsonAnswer(z.object({ [key]: one }), 'Saved.') }, 'x-parley-errors': ['NOT_FOUND'] }),
    remove: defineRoute({ method: 'delete', path: `${path}/{id}`, tags, summary: `Delete a ${noun}`, request: { params: IdParams }, responses: { 200: jsonAnswer(Ok, 'Deleted.') }, 'x-parley-errors': ['NOT_FOUND', 'CONFLICT'] }),
  };
}

export const engagementApi = {
  rules: resource('/admin/engagement/rules', 'rule (action map)', ActionMapInput, ActionMap, 'actionMap', 'rules'),
  outcomes: resource('/admin/engagement/outcomes', 'outcome', OutcomeInput, Outcome, 'outcome', 'outcomes'),
  segments: resource('/admin/engagement/segments', 'segment', SegmentInput, Segment, 'segment', 'segments'),
  report: defineRoute({
    method: 'get',
    path: '/admin/engagement/report',
    tags,
    summary: 'Offers shown, dismissed, accepted, conversations started and outcomes reached, per rule, over UTC days [from, to]',
    request: { query: ReportQuery },
    responses: { 200: jsonAnswer(EngagementReport, 'One row per rule (docs/engagement.md#reports).') },
  }),
};

export function engagementRoutes(services: Services) {
  const app = apiRouter();
  const e = services.engagement;
  const { rules, outcomes, segments } = engagementApi;

  app.openapi(rules.list, async (c) => c.json(await e.listRules(c.req.valid('query').websiteId), 200));
  app.openapi(rules.create, async (c) => {
    const { websiteId, ...input } = c.req.valid('json') as { websiteId: string } & ActionMapInput;
    return c.json(await e.createRule(websiteId, input, auditActor(c)), 201);
  });
  app.openapi(rules.update, async (c) => c.json(await e.updateRule(c.req.valid('param').id, c.req.valid('json') as Partial<ActionMapInput>, auditActor(c)), 200));
  app.openapi(rules.remove, async (c) => c.json(await e.deleteRule(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(outcomes.list, async (c) => c.json(await e.listOutcomes(c.req.valid('query').websiteId), 200));
  app.openapi(outcomes.create, async (c) => {
    const { websiteId, ...input } = c.req.valid('json') as { websiteId: string } & OutcomeInput;
    return c.json(await e.createOutcome(websiteId, input, auditActor(c)), 201);
  });
  app.openapi(outcomes.update, async (c) => c.json(await e.updateOutcome(c.req.valid('param').id, c.req.valid('json') as Partial<OutcomeInput>, auditActor(c)), 200));
  app.openapi(outcomes.remove, async (c) => c.json(await e.deleteOutcome(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(segments.list, async (c) => c.json(await e.listSegments(c.req.valid('query').websiteId), 200));
  app.openapi(segments.create, async (c) => {
    const { websiteId, ...input } = c.req.valid('json') as { websiteId: string } & SegmentInput;
    return c.json(await e.createSegment(websiteId, input, auditActor(c)), 201);
  });
  app.openapi(segments.update, async (c) => c.json(await e.updateSegment(c.req.valid('param').id, c.req.valid('json') as Partial<SegmentInput>, auditActor(c)), 200));
  app.openapi(segments.remove, async (c) => c.json(await e.deleteSegment(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(engagementApi.report, async (c) => c.json(await e.report(c.req.valid('query')), 200));
  return app;
}
