// The new token's secret, shown once, with a copy button, the warning that it will not be
// shown again, and ready-to-paste examples of its use on this site.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';
import { CopyButton } from './copy-button.tsx';
import type { UsageTarget } from './usage.ts';
import { UsageExamples } from './usage-examples.tsx';

interface Props {
  name: string;
  secret: string;
  usage: UsageTarget;
  onDone(): void;
}

export function SecretBox({ name, secret, usage, onDone }: Props) {
  const boxRef = useRef<HTMLElement>(null);
  useEffect(() => boxRef.current?.focus(), []);
  return (
    <section class="message success" tabIndex={-1} ref={boxRef} aria-labelledby="ata-secret-title">
      <strong id="ata-secret-title">{t('tokenCreated', name)}</strong>
      <p>{t('secretWarning')}</p>
      <div class="row" style="align-items:center">
        <code class="secret" data-testid="token-secret" title={t('secretLabel')}>
          {secret}
        </code>
        <CopyButton text={secret} label={t('copySecret')} primary />
        <button type="button" onClick={onDone}>
          {t('done')}
        </button>
      </div>
      <UsageExamples target={usage} secret={secret} />
    </section>
  );
}
