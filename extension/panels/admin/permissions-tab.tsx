// Permissions: the three permissions, each with "Allow everyone …" and, when unchecked, the
// groups that hold it. Saving is never blocked; the companion's warnings are shown after it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { PERMISSION_NAMES } from '../../../shared/permissions.ts';
import type {
  GroupSearchResponse,
  PermissionName,
  Permissions,
  PermissionWarning,
  PutPermissionsResponse,
} from '../../api-types.ts';
import type { CompanionClient } from '../../companion-client.ts';
import { type MessageKey, t } from '../../i18n.ts';
import { Checkbox } from '../checkbox.tsx';
import { endpoints } from '../endpoints.ts';
import { ErrorMessage } from '../error-message.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { Picker } from './picker.tsx';

export function PermissionsTab({ client, onSaved }: { client: CompanionClient; onSaved(): void }) {
  const loaded = useLoad(() => client.get<Permissions>(endpoints.permissions), [client]);
  const [draft, setDraft] = useState<Permissions | null>(null);
  const [warnings, setWarnings] = useState<PermissionWarning[] | null>(null);
  useEffect(() => setDraft(loaded.data ?? null), [loaded.data]);
  const searchGroups = useCallback(
    async (q: string) => (await client.get<GroupSearchResponse>(endpoints.groupSearch(q))).groups,
    [client],
  );
  const save = useAction(async () => {
    if (!draft) return;
    const response = await client.put<PutPermissionsResponse>(endpoints.permissions, draft);
    setDraft(response.permissions);
    setWarnings(response.warnings);
    onSaved();
  });
  if (!draft)
    return loaded.error ? <ErrorMessage error={loaded.error} /> : <p class="subtle">{t('loading')}</p>;
  const update = (name: PermissionName, patch: Partial<Permissions[PermissionName]>) =>
    setDraft({ ...draft, [name]: { ...draft[name], ...patch } });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      {PERMISSION_NAMES.map((name) => {
        const grant = draft[name];
        return (
          <fieldset key={name} style="border:0;padding:0;margin:0 0 16px" data-permission={name}>
            <legend>
              <h3 style="margin:8px 0 4px">{t(`perm_${name}` as MessageKey)}</h3>
            </legend>
            <p class="subtle">{t(`perm_${name}_help` as MessageKey)}</p>
            <Checkbox checked={grant.everyone} onChange={(everyone) => update(name, { everyone })}>
              {t(`perm_${name}_everyone` as MessageKey)}
            </Checkbox>
            {!grant.everyone && (
              <>
                <ul class="chips" aria-label={t('groupsHolding', t(`perm_${name}` as MessageKey))}>
                  {grant.groups.length === 0 && <li class="subtle">{t('noGroups')}</li>}
                  {grant.groups.map((group) => (
                    <li class="chip" key={group}>
                      {group}
                      <button
                        type="button"
                        class="link"
                        aria-label={t('removeGroup', group)}
                        onClick={() => update(name, { groups: grant.groups.filter((g) => g !== group) })}
                      >
                        ✕
                      </button>
                    </li>
                  ))}
                </ul>
                <Picker
                  id={`ata-groups-${name}`}
                  label={t('addGroup')}
                  search={searchGroups}
                  onPick={(group) =>
                    !grant.groups.includes(group) && update(name, { groups: [...grant.groups, group] })
                  }
                />
              </>
            )}
          </fieldset>
        );
      })}
      <ErrorMessage error={save.error} />
      {warnings && warnings.length === 0 && (
        <div class="message success" role="status">
          {t('permissionsSaved')}
        </div>
      )}
      {warnings && warnings.length > 0 && (
        <div class="message warning" role="status" data-testid="ata-permission-warnings">
          <strong>{t('permissionsSavedWithWarnings')}</strong>
          <ul>
            {warnings.map((w) => (
              <li key={`${w.code}-${w.permission}-${w.message}`}>{w.message}</li>
            ))}
          </ul>
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={save.pending}>
          {t('save')}
        </button>
      </div>
    </form>
  );
}
