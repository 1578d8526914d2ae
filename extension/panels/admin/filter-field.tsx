// One labelled filter input of the admin lists (text or date).
import { dateBoundary } from '../format.ts';

interface Props {
  id: string;
  label: string;
  value: string;
  type?: 'text' | 'date';
  onInput(value: string): void;
}

export function FilterField({ id, label, value, type = 'text', onInput }: Props) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {type === 'date' ? (
        <input id={id} type="date" value={value} onInput={(e) => onInput(e.currentTarget.value)} />
      ) : (
        <input id={id} type="text" value={value} onInput={(e) => onInput(e.currentTarget.value.trim())} />
      )}
    </div>
  );
}

/** The query of a filter form: empty fields dropped, date fields turned into the instants the API takes. */
export function filterQuery(
  values: Record<string, string>,
  dates: Record<string, 'start' | 'end'> = {},
): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === '') continue;
    const boundary = dates[key];
    query[key] = boundary ? dateBoundary(value, boundary) : value;
  }
  return query;
}
