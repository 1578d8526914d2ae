import { PutWebhookSettings, WebhookSettings, WebhookTestResult } from '../../shared/api.ts';
import { auditContextOf } from '../middleware/identify.ts';
import { type Route, route } from './table.ts';

// The optional webhook (README "Webhook"): its own document beside the settings, because its
// secret must never be answered or stored in clear, and the test button.
export const adminWebhookRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/webhook',
    guard: 'admin',
    tag: 'Administration',
    summary: 'The webhook: URL, whether it is on, whether a signing secret is set (never the secret)',
    output: { status: 200, schema: WebhookSettings, description: 'The webhook settings' },
    handler: ({ deps }) => deps.webhooks.get(),
  }),
  route({
    method: 'put',
    path: '/api/v1/admin/webhook',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Replace the webhook settings; a secret left out is kept, null removes it',
    input: { body: PutWebhookSettings },
    output: { status: 200, schema: WebhookSettings, description: 'Saved' },
    handler: ({ deps, ctx, body }) => deps.webhooks.update(body, auditContextOf(ctx)),
  }),
  route({
    method: 'post',
    path: '/api/v1/admin/webhook/test',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Send a signed test event now and report what the receiver answered',
    output: { status: 200, schema: WebhookTestResult, description: 'The receiver’s answer' },
    handler: ({ deps, ctx }) => deps.webhooks.test(auditContextOf(ctx)),
  }),
];
