// Copies a text to the clipboard and says so next to the button (a live region, so screen
// readers hear it); when the browser refuses, it says to select and copy by hand.
import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';

export function CopyButton({ text, label, primary }: { text: string; label: string; primary?: boolean }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <span class="copy">
      <button type="button" class={primary ? 'primary' : undefined} aria-label={label} onClick={copy}>
        {t('copy')}
      </button>
      <span class="subtle" role="status">
        {copied === true ? t('copied') : copied === false ? t('copyFailed') : ''}
      </span>
    </span>
  );
}
