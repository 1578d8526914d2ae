// Rows of IP addresses or CIDR ranges with + and delete, validated as the person types (the
// same check the server applies, from shared/api.ts).
import { isAddressOrRange } from '../../../shared/addresses.ts';
import { t } from '../../i18n.ts';

interface Props {
  idPrefix: string;
  label: string;
  values: string[];
  onChange(values: string[]): void;
}

export function invalidEntries(values: string[]): string[] {
  return values.filter((value) => value.trim() !== '' && !isAddressOrRange(value.trim()));
}

export function IpListEditor({ idPrefix, label, values, onChange }: Props) {
  const set = (index: number, value: string) => onChange(values.map((v, i) => (i === index ? value : v)));
  return (
    <fieldset style="border:0;padding:0;margin:12px 0">
      <legend style="font-size:12px;font-weight:600;color:var(--ata-subtle)">{label}</legend>
      {values.length === 0 && <p class="subtle">{t('ipListEmpty')}</p>}
      {values.map((value, index) => {
        const id = `${idPrefix}-${index}`;
        const invalid = value.trim() !== '' && !isAddressOrRange(value.trim());
        return (
          <div class="row" key={index} style="align-items:center;margin:4px 0">
            <input
              id={id}
              value={value}
              aria-label={t('ipEntryLabel', label, index + 1)}
              aria-invalid={invalid ? 'true' : 'false'}
              aria-describedby={invalid ? `${id}-error` : undefined}
              placeholder="192.0.2.0/24"
              onInput={(e) => set(index, e.currentTarget.value)}
            />
            <button
              type="button"
              aria-label={t('ipRemove', value || String(index + 1))}
              onClick={() => onChange(values.filter((_, i) => i !== index))}
            >
              {t('remove')}
            </button>
            {invalid && (
              <span class="field-error" id={`${id}-error`}>
                {t('ipInvalid', value)}
              </span>
            )}
          </div>
        );
      })}
      <button type="button" aria-label={t('ipAdd', label)} onClick={() => onChange([...values, ''])}>
        +
      </button>
    </fieldset>
  );
}
