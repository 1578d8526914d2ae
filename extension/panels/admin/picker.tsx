// A search-as-you-type picker for users and groups, fed by the site through the companion.
// Suggestions are plain buttons under the input, so they work by keyboard and screen reader.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';

interface Props {
  id: string;
  label: string;
  search(query: string): Promise<string[]>;
  onPick(value: string): void;
  /** Keep the picked value in the input (user picker) or clear it (group picker adds chips). */
  keepValue?: boolean;
}

export function Picker({ id, label, search, onPick, keepValue = false }: Props) {
  const [query, setQuery] = useState('');
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (query.trim() === '') {
      setSuggestions([]);
      return;
    }
    let current = true;
    search(query.trim()).then(
      (found) => {
        if (current) {
          setSuggestions(found);
          setFailed(false);
        }
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [query, search]);
  const pick = (value: string) => {
    onPick(value);
    setQuery(keepValue ? value : '');
    setSuggestions([]);
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        value={query}
        autocomplete="off"
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          if (keepValue) onPick(e.currentTarget.value.trim());
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && query.trim() !== '') {
            e.preventDefault();
            pick(query.trim());
          }
        }}
      />
      {failed && <div class="subtle">{t('searchFailed')}</div>}
      {suggestions.length > 0 && (
        <ul aria-label={t('suggestions', label)} style="list-style:none;padding:0;margin:4px 0">
          {suggestions.map((s) => (
            <li key={s}>
              <button type="button" class="link" onClick={() => pick(s)}>
                {s}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
