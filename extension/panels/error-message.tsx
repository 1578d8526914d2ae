// Every error from the companion is shown where the person acted, in words that say what
// happened: a permission withdrawn while the page was open (403), a bad field (400), the
// companion unreachable, or the site itself unavailable (503).
import { CompanionError } from '../companion-client.ts';
import { t } from '../i18n.ts';

export function describeError(error: unknown): { title: string; detail: string } {
  if (!(error instanceof CompanionError)) {
    return { title: t('errorUnexpected'), detail: error instanceof Error ? error.message : String(error) };
  }
  if (error.status === 0) return { title: t('errorUnreachable'), detail: error.message };
  if (error.status === 401) return { title: t('errorLoggedOut'), detail: error.message };
  if (error.status === 403) return { title: t('errorForbidden'), detail: error.message };
  if (error.status === 503) return { title: t('errorSiteUnavailable'), detail: error.message };
  if (error.status === 400 && error.field)
    return { title: t('errorField', error.field), detail: error.message };
  return { title: t('errorGeneric', error.status), detail: error.message };
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const { title, detail } = describeError(error);
  return (
    <div class="message error" role="alert">
      <strong>{title}</strong>
      {detail}
    </div>
  );
}

export function fieldError(error: unknown, field: string): string | null {
  return error instanceof CompanionError && error.status === 400 && error.field?.startsWith(field)
    ? error.message
    : null;
}
