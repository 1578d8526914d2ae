// Shown when a panel is opened by URL without the permission: says so and whom to ask.
import type { Me } from '../api-types.ts';
import { CompanionError } from '../companion-client.ts';
import { t } from '../i18n.ts';
import { ErrorMessage } from './error-message.tsx';

interface Props {
  route: 'user' | 'admin';
  me: Me | null;
  meError: unknown;
  loggedIn: boolean;
}

export function InfoBox({ route, me, meError, loggedIn }: Props) {
  if (!loggedIn) {
    return (
      <div class="message info" role="note">
        <strong>{t('infoLoginTitle')}</strong>
        {t('infoLogin')}
      </div>
    );
  }
  // Opened before the page's first `/me` answered: the panel asks again and shows the answer.
  if (!me && meError instanceof CompanionError && meError.code === 'pending')
    return <p class="subtle">{t('loading')}</p>;
  if (!me) return <ErrorMessage error={meError} />;
  return (
    <div class="message info" role="note" data-testid="ata-info-box">
      <strong>{route === 'admin' ? t('infoNoAdminTitle') : t('infoNoPermissionTitle')}</strong>
      {route === 'admin' ? t('infoNoAdmin') : t('infoNoPermission')}
    </div>
  );
}
