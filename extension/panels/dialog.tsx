// An AUI dialog2-like modal: labelled, focus moved inside on open and returned on close,
// Escape or the close button closes it, Tab stays within it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose(): void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    return () => previous?.focus?.();
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    const active = (ref.current.getRootNode() as ShadowRoot).activeElement;
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first?.focus();
    }
  };
  return (
    <>
      <div class="ata-blanket" onClick={onClose} aria-hidden="true" />
      <div
        class="ata-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="ata-dialog-title"
        tabIndex={-1}
        ref={ref}
        onKeyDown={onKeyDown}
      >
        <header>
          <h2 id="ata-dialog-title">{title}</h2>
          <button type="button" class="link" aria-label={t('close')} onClick={onClose}>
            ✕
          </button>
        </header>
        <div class="ata-dialog-content">{children}</div>
      </div>
    </>
  );
}
