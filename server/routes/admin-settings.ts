import { z } from 'zod';
import { PutSettingsQuery, PutSettingsResponse, Settings } from '../../shared/api.ts';
import { auditContextOf } from '../middleware/identify.ts';
import { type Route, route } from './table.ts';

// PUT takes exactly the document GET returns; capExistingTokens may ride along (body or query).
export const PutSettingsRequest = Settings.extend({ capExistingTokens: z.boolean().optional() });

export const adminSettingsRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/settings',
    guard: 'admin',
    tag: 'Administration',
    summary: 'System-wide settings',
    output: { status: 200, schema: Settings, description: 'The settings document' },
    handler: ({ deps }) => deps.settings.get(),
  }),
  route({
    method: 'put',
    path: '/api/v1/admin/settings',
    guard: 'admin',
    tag: 'Administration',
    summary:
      'Replace the settings; reports (and with capExistingTokens caps) tokens beyond a lowered maximum',
    input: { body: PutSettingsRequest, query: PutSettingsQuery },
    output: { status: 200, schema: PutSettingsResponse, description: 'Saved' },
    handler({ deps, ctx, body, query }) {
      const { capExistingTokens, ...next } = body;
      return deps.settings.update(next, auditContextOf(ctx), {
        capExistingTokens: capExistingTokens ?? query.capExistingTokens === 'true',
      });
    },
  }),
];
