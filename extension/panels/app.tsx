// The panel for a route: the user's tokens (`#api-token-auth`) or administration
// (`#api-token-auth/admin`, for someone the admin page would not serve), or the info box when
// the person lacks the permission.
import { mayUseTokenPanel } from '../api-types.ts';
import type { ContentContext } from '../content/feature.ts';
import { t } from '../i18n.ts';
import { AdminPanel } from './admin-panel.tsx';
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
}

export function PanelApp({ route, ctx, loggedIn, onClose, returnFocus }: Props) {
  const { client } = ctx;
  const site = { siteUrl: ctx.siteUrl, product: ctx.product };
  const { me, meError, refreshMe } = usePerson(ctx, loggedIn);
  const allowed = me !== null && (route === 'admin' ? me.isAdmin : mayUseTokenPanel(me));
  return (
    <Dialog
      title={route === 'admin' ? t('adminTitle') : t('userTitle')}
      onClose={onClose}
      returnFocus={returnFocus}
    >
      {allowed && route === 'user' && <UserPanel me={me} client={client} site={site} />}
      {allowed && route === 'admin' && <AdminPanel me={me} client={client} site={site} onSaved={refreshMe} />}
      {!allowed && <InfoBox route={route} me={me} meError={meError} loggedIn={loggedIn} />}
    </Dialog>
  );
}
