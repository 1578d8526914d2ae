// The panel for a route: the user's tokens (`#api-token-auth`), or `#api-token-auth/admin`, the
// old administration dialog, which now sends administrators to the admin page; the info box
// when the person lacks the permission.
import { useEffect } from 'preact/hooks';
import { mayUseTokenPanel } from '../api-types.ts';
import type { ContentContext } from '../content/feature.ts';
import { t } from '../i18n.ts';
import { Dialog } from './dialog.tsx';
import { InfoBox } from './info-box.tsx';
import { usePerson } from './person.ts';
import { UserPanel } from './user-panel.tsx';

export type PanelRoute = 'user' | 'admin';

interface Props {
  route: PanelRoute;
  ctx: Pick<ContentContext, 'me' | 'meError' | 'client' | 'siteUrl' | 'product'>;
  loggedIn: boolean;
  onClose(): void;
  returnFocus?: () => HTMLElement | null;
  /** Sends an administrator from the old admin dialog link to the admin page. */
  toAdminPage(): void;
}

export function PanelApp({ route, ctx, loggedIn, onClose, returnFocus, toAdminPage }: Props) {
  const { client } = ctx;
  const site = { siteUrl: ctx.siteUrl, product: ctx.product };
  const { me, meError } = usePerson(ctx, loggedIn);
  const allowed = me !== null && (route === 'admin' ? me.isAdmin : mayUseTokenPanel(me));
  const leaving = route === 'admin' && allowed;
  useEffect(() => {
    if (leaving) toAdminPage();
  }, [leaving, toAdminPage]);
  return (
    <Dialog
      title={route === 'admin' ? t('adminTitle') : t('userTitle')}
      onClose={onClose}
      returnFocus={returnFocus}
    >
      {allowed && route === 'user' && <UserPanel me={me} client={client} site={site} />}
      {!allowed && <InfoBox route={route} me={me} meError={meError} loggedIn={loggedIn} />}
    </Dialog>
  );
}
