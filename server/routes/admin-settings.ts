import type Router from '@koa/router';
import { z } from 'zod';
import { PutSettingsQuery, type PutSettingsResponse, Settings } from '../../shared/api.ts';
import { requireAdmin } from '../middleware/authorize.ts';
import { auditContextOf } from '../middleware/identify.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { managementRouter, type RouteDeps } from './deps.ts';

// PUT takes exactly the document GET returns; capExistingTokens may ride along (body or query).
export const PutSettingsRequest = Settings.extend({ capExistingTokens: z.boolean().optional() });

export function adminSettingsRouter(deps: RouteDeps): Router {
  return managementRouter(deps)
    .get('/admin/settings', requireAdmin(), async (ctx) => {
      ctx.body = await deps.settings.get();
    })
    .put(
      '/admin/settings',
      requireAdmin(),
      validate({ body: PutSettingsRequest, query: PutSettingsQuery }),
      async (ctx) => {
        const { body, query } = inputOf<z.infer<typeof PutSettingsRequest>, z.infer<typeof PutSettingsQuery>>(
          ctx,
        );
        const { capExistingTokens, ...next } = body;
        const cap = capExistingTokens ?? query.capExistingTokens === 'true';
        const audit = auditContextOf(ctx);
        const settings = await deps.settings.update(next, audit);
        const { exceeding, capped } = await deps.tokens.capToMaximum(settings.maxValidity, { cap });
        if (capped > 0) {
          await deps.audit.record({
            ...audit,
            action: 'tokens.capped',
            details: { maxValidity: settings.maxValidity, capped },
          });
        }
        const response: PutSettingsResponse = { settings, exceedingTokens: exceeding, cappedTokens: capped };
        ctx.body = response;
      },
    );
}
