// Token Manager: every user's tokens with filters and revoke; create a token for a user chosen
// with the user picker (needs create-for-others); delete all of a user's tokens.
import { useCallback, useState } from 'preact/hooks';
import type { CreateTokenResponse, Me, TokenPage, UserSearchResponse } from '../../api-types.ts';
import type { CompanionClient } from '../../companion-client.ts';
import { t } from '../../i18n.ts';
import { ConfirmButton } from '../confirm-button.tsx';
import { CreateTokenForm } from '../create-token-form.tsx';
import { endpoints } from '../endpoints.ts';
import { ErrorMessage } from '../error-message.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { Pager } from '../pager.tsx';
import { SecretBox } from '../secret-box.tsx';
import { TokenTable } from '../token-table.tsx';
import { Picker } from './picker.tsx';

const PAGE = 50;

export function TokenManagerTab({ me, client }: { me: Me; client: CompanionClient }) {
  const [filters, setFilters] = useState({ user: '', name: '' });
  const [applied, setApplied] = useState(filters);
  const [offset, setOffset] = useState(0);
  const page = useLoad(
    () => client.get<TokenPage>(endpoints.adminTokens({ ...applied, limit: PAGE, offset })),
    [client, applied, offset],
  );
  const [forUser, setForUser] = useState('');
  const [created, setCreated] = useState<{ user: string; response: CreateTokenResponse } | null>(null);
  const searchUsers = useCallback(
    async (q: string) =>
      (await client.get<UserSearchResponse>(endpoints.userSearch(q))).users.map((u) => u.username),
    [client],
  );
  const revoke = useAction(async (id: string) => {
    await client.delete(endpoints.adminToken(id));
    page.reload();
  });
  const removeAll = useAction(async (user: string) => {
    await client.delete(endpoints.userTokens(user));
    page.reload();
  });
  const total = page.data?.total ?? 0;
  return (
    <section>
      <form
        class="row"
        aria-label={t('filterTokens')}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(filters);
        }}
      >
        <div class="field">
          <label for="ata-filter-user">{t('filterUser')}</label>
          <input
            id="ata-filter-user"
            value={filters.user}
            onInput={(e) => setFilters({ ...filters, user: e.currentTarget.value.trim() })}
          />
        </div>
        <div class="field">
          <label for="ata-filter-name">{t('filterName')}</label>
          <input
            id="ata-filter-name"
            value={filters.name}
            onInput={(e) => setFilters({ ...filters, name: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <button type="submit">{t('applyFilters')}</button>
        </div>
      </form>
      <ErrorMessage error={page.error ?? revoke.error ?? removeAll.error} />
      <TokenTable
        tokens={page.data?.items ?? []}
        showOwner
        onDelete={async (token) => {
          await revoke.run(token.id);
        }}
      />
      <Pager offset={offset} total={total} size={PAGE} onOffset={setOffset} />
      {applied.user && (page.data?.items.length ?? 0) > 0 && (
        <div class="actions">
          <ConfirmButton
            label={t('deleteAllOfUser', applied.user)}
            question={t('confirmDeleteAllOfUser', applied.user)}
            onConfirm={async () => {
              await removeAll.run(applied.user);
            }}
          />
        </div>
      )}
      {created && (
        <SecretBox
          name={`${created.response.token.name} (${created.user})`}
          secret={created.response.secret}
          onDone={() => setCreated(null)}
        />
      )}
      {me.permissions.createTokensForOthers ? (
        <CreateTokenForm
          idPrefix="ata-create-for"
          validityOptions={me.validityOptions}
          forceReadOnly={me.forceReadOnlyScope}
          disabled={forUser === ''}
          onCreate={async (request) => {
            const response = await client.post<CreateTokenResponse>(endpoints.userTokens(forUser), request);
            setCreated({ user: forUser, response });
            page.reload();
          }}
        >
          <Picker
            id="ata-create-user"
            label={t('tokenFor')}
            search={searchUsers}
            onPick={setForUser}
            keepValue
          />
        </CreateTokenForm>
      ) : (
        <div class="message info">{t('cannotCreateForOthers')}</div>
      )}
    </section>
  );
}
