// Previous/next for the admin lists (the companion pages with limit/offset).
import { t } from '../i18n.ts';

export function Pager({
  offset,
  total,
  size,
  onOffset,
}: {
  offset: number;
  total: number;
  size: number;
  onOffset(o: number): void;
}) {
  if (total <= size) return null;
  return (
    <nav class="actions" aria-label={t('pagination')}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - size))}>
        {t('previous')}
      </button>
      <span class="subtle">{t('pageOf', Math.floor(offset / size) + 1, Math.ceil(total / size))}</span>
      <button type="button" disabled={offset + size >= total} onClick={() => onOffset(offset + size)}>
        {t('next')}
      </button>
    </nav>
  );
}
