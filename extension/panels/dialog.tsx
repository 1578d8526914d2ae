// An AUI dialog2-like modal: labelled, focus moved inside on open and returned on close,
// Escape or the close button closes it, Tab and focus stay within it. Keys are watched in the shadow root
// and on the document: after a row is deleted the focused button is gone and focus falls back
// to <body>, where a listener on the dialog would no longer hear Escape or Tab.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Whether focus can go back to an element: still in the page and shown (not in a closed menu). */
function canTakeFocus(element: HTMLElement | null): element is HTMLElement {
  return !!element && element !== document.body && element.isConnected && element.getClientRects().length > 0;
}

export function Dialog({
  title,
  onClose,
  returnFocus,
  children,
}: {
  title: string;
  onClose(): void;
  /** Where focus goes when the element that had it before is gone or hidden (the menu's trigger). */
  returnFocus?: () => HTMLElement | null;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    return () => {
      // Opened from the user menu, the item is hidden by now: the menu's trigger takes the focus.
      const target = canTakeFocus(previous) ? previous : (returnFocus?.() ?? null);
      target?.focus();
    };
  }, []);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const dialog = ref.current;
      if (!dialog) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = items[0];
      const last = items[items.length - 1];
      const active = (dialog.getRootNode() as ShadowRoot).activeElement;
      if (!active || (event.shiftKey && (active === first || active === dialog))) {
        event.preventDefault();
        (event.shiftKey ? last : first)?.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first?.focus();
      }
    };
    const root = ref.current?.getRootNode() ?? document;
    const targets = root === document ? [document] : [root, document];
    for (const target of targets) target.addEventListener('keydown', onKeyDown as EventListener);
    // Modal: focus that lands on the page behind (AUI returning it to the menu trigger as the
    // dropdown closes) comes back to the dialog.
    const host = (root as Partial<ShadowRoot>).host ?? null;
    const onFocusIn = (event: FocusEvent) => {
      if (host && event.target !== host) ref.current?.focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      for (const target of targets) target.removeEventListener('keydown', onKeyDown as EventListener);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, [onClose]);
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
