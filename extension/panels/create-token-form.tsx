// Create a token: name, validity (the options `/me` allows under the system maximum) and scope.
// The caller decides whose token it is (own, or for a user chosen in the Token Manager).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { CreateTokenRequest, Validity } from '../api-types.ts';
import { t } from '../i18n.ts';
import { ErrorMessage, fieldError } from './error-message.tsx';
import { scopeLabel, validityLabel } from './format.ts';
import { useAction } from './hooks.ts';

interface Props {
  idPrefix: string;
  validityOptions: Validity[];
  forceReadOnly: boolean;
  /** Extra fields before the name (the Token Manager's user picker). */
  children?: ComponentChildren;
  disabled?: boolean;
  onCreate(request: CreateTokenRequest): Promise<void>;
}

export function CreateTokenForm({
  idPrefix,
  validityOptions,
  forceReadOnly,
  children,
  disabled,
  onCreate,
}: Props) {
  const [name, setName] = useState('');
  const [validity, setValidity] = useState<Validity>(validityOptions[0] ?? 'P1M');
  const [scope, setScope] = useState<'read-only' | 'read-write'>(forceReadOnly ? 'read-only' : 'read-write');
  // The options can change while the form is open (an admin lowered the maximum): never submit a stale choice.
  const chosenValidity = validityOptions.includes(validity) ? validity : (validityOptions[0] ?? 'never');
  const chosenScope = forceReadOnly ? 'read-only' : scope;
  const create = useAction(onCreate);
  const nameError = fieldError(create.error, 'name');
  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await create.run({ name: name.trim(), validity: chosenValidity, scope: chosenScope });
    if (result.ok) setName('');
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${idPrefix}-title`}>
      <h3 id={`${idPrefix}-title`}>{t('createToken')}</h3>
      {children}
      <div class="row">
        <div class="field">
          <label for={`${idPrefix}-name`}>{t('tokenName')}</label>
          <input
            id={`${idPrefix}-name`}
            value={name}
            required
            maxLength={100}
            aria-invalid={nameError ? 'true' : 'false'}
            aria-describedby={nameError ? `${idPrefix}-name-error` : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${idPrefix}-validity`}>{t('validity')}</label>
          <select
            id={`${idPrefix}-validity`}
            value={chosenValidity}
            onChange={(e) => setValidity(e.currentTarget.value as Validity)}
          >
            {validityOptions.map((option) => (
              <option key={option} value={option}>
                {validityLabel(option)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${idPrefix}-scope`}>{t('scope')}</label>
          <select
            id={`${idPrefix}-scope`}
            value={chosenScope}
            disabled={forceReadOnly}
            onChange={(e) => setScope(e.currentTarget.value as 'read-only' | 'read-write')}
          >
            {(['read-write', 'read-only'] as const).map((option) => (
              <option key={option} value={option}>
                {scopeLabel(option)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <button type="submit" class="primary" disabled={disabled || create.pending || name.trim() === ''}>
            {t('create')}
          </button>
        </div>
      </div>
      {nameError && (
        <div class="field-error" id={`${idPrefix}-name-error`}>
          {nameError}
        </div>
      )}
      {create.error && !nameError ? <ErrorMessage error={create.error} /> : null}
    </form>
  );
}
