// The panel for a route: the user's tokens (`#api-token-auth`) or administration
// (`#api-token-auth/admin`), or the info box when the person lacks the permission. Who the
// person is comes from the page's start and is asked again when a panel opens and after an
// admin saves settings or permissions, so validity options and permissions are never stale.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Me, mayUseTokenPanel } from '../api-types.ts';
import type { ContentContext } from '../content/feature.ts';
import { t } from '../i18n.ts';
import { AdminPanel } from './admin-panel.tsx';
import { Dialog } from './dialog.tsx';
import { endpoints } from './endpoints.ts';
import { InfoBox } from './info-box.tsx';
import { UserPanel } from './user-panel.tsx';

export type PanelRoute = 'user' | 'admin';

interface Props {
  route: PanelRoute;
  ctx: Pick<ContentContext, 'me' | 'meError' | 'client' | 'siteUrl' | 'product'>;
  loggedIn: boolean;
  onClose(): void;
}

export function PanelApp({ route, ctx, loggedIn, onClose }: Props) {
  const { client } = ctx;
  const site = { siteUrl: ctx.siteUrl, product: ctx.product };
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
  const allowed = me !== null && (route === 'admin' ? me.isAdmin : mayUseTokenPanel(me));
  return (
    <Dialog title={route === 'admin' ? t('adminTitle') : t('userTitle')} onClose={onClose}>
      {allowed && route === 'user' && <UserPanel me={me} client={client} site={site} />}
      {allowed && route === 'admin' && <AdminPanel me={me} client={client} site={site} onSaved={refreshMe} />}
      {!allowed && <InfoBox route={route} me={me} meError={meError} loggedIn={loggedIn} />}
    </Dialog>
  );
}
