// Who the person is, for a panel or the admin page: what the page's start learned, asked again
// when it opens and after an admin saves settings or permissions, so validity options and
// permissions are never stale.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Me } from '../api-types.ts';
import type { ContentContext } from '../content/feature.ts';
import { endpoints } from './endpoints.ts';

export function usePerson(ctx: Pick<ContentContext, 'me' | 'meError' | 'client'>, loggedIn: boolean) {
  const { client } = ctx;
  const [me, setMe] = useState<Me | null>(ctx.me);
  const [meError, setMeError] = useState<unknown>(ctx.meError);
  const refreshMe = useCallback(() => {
    if (!loggedIn) return;
    client.get<Me>(endpoints.me).then(
      (fresh) => {
        setMe(fresh);
        setMeError(null);
      },
      // Keep what the page start learned; an error matters only when there is nothing else.
      (error: unknown) => setMeError(error),
    );
  }, [client, loggedIn]);
  useEffect(refreshMe, [refreshMe]);
  return { me, meError, refreshMe };
}
