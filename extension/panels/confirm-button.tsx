// A destructive action asks first, inline, next to where the person clicked; focus moves to the
// confirming button so a keyboard user confirms with Enter or steps back with Escape.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.ts';

interface Props {
  label: string;
  question: string;
  /** Accessible name of the first button, when the visible label alone is ambiguous (per-row buttons). */
  ariaLabel?: string;
  disabled?: boolean;
  onConfirm(): void | Promise<void>;
}

export function ConfirmButton({ label, question, ariaLabel, disabled, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" aria-label={ariaLabel} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <fieldset
      class="inline-confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          setAsking(false);
        }
      }}
    >
      <legend class="subtle">{question}</legend>
      <button
        type="button"
        class="danger"
        ref={confirmRef}
        onClick={async () => {
          setAsking(false);
          await onConfirm();
        }}
      >
        {t('confirmDelete')}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </fieldset>
  );
}
