// The new token's secret, shown once, with a copy button and the warning that it will not be
// shown again.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.ts';

export function SecretBox({ name, secret, onDone }: { name: string; secret: string; onDone(): void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  useEffect(() => boxRef.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="message success" role="status" tabIndex={-1} ref={boxRef} aria-labelledby="ata-secret-title">
      <strong id="ata-secret-title">{t('tokenCreated', name)}</strong>
      <p>{t('secretWarning')}</p>
      <div class="row" style="align-items:center">
        <code class="secret" data-testid="token-secret" title={t('secretLabel')}>
          {secret}
        </code>
        <button type="button" class="primary" onClick={copy}>
          {t('copy')}
        </button>
        <button type="button" onClick={onDone}>
          {t('done')}
        </button>
      </div>
      {copied === true && <p class="subtle">{t('copied')}</p>}
      {copied === false && <p class="subtle">{t('copyFailed')}</p>}
    </div>
  );
}
