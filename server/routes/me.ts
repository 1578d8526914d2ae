import { Me } from '../../shared/api.ts';
import { allowedValidities } from '../../shared/validity.ts';
import { callerOf } from '../middleware/identify.ts';
import { provisionInBackground } from './site-session.ts';
import { type Route, route } from './table.ts';

// Who the site says the caller is, what they may do, and which validities they may pick.
export const meRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/me',
    guard: 'user',
    tag: 'Me',
    summary: 'Who am I, what may I do, which validities may I choose',
    output: { status: 200, schema: Me, description: 'The caller' },
    async handler({ deps, ctx }) {
      const caller = callerOf(ctx);
      provisionInBackground(deps, ctx);
      const settings = await deps.settings.get();
      return {
        username: caller.username,
        displayName: caller.displayName,
        isAdmin: caller.isAdmin,
        product: deps.product,
        permissions: caller.permissions,
        validityOptions: allowedValidities(settings.maxValidity),
        maxValidity: settings.maxValidity,
        forceReadOnlyScope: settings.forceReadOnlyScope,
      };
    },
  }),
];
