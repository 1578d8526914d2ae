// A checkbox with its label wrapped around it, as every yes/no setting in the panels is shown.
import type { ComponentChildren } from 'preact';

export function Checkbox({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  children: ComponentChildren;
}) {
  return (
    <label class="inline">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      {children}
    </label>
  );
}
