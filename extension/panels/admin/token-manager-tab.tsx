// Token Manager: every user's tokens with filters and revoke; create a token for a user chosen
// with the user picker (needs create-for-others); delete all of a user's tokens.
import { useCallback, useState } from 'preact/hooks';
import type { CreateTokenResponse, Me, TokenPage, UserSearchResponse } from '../../api-types.ts';
import type { CompanionClient } from '../../companion-client.ts';
import { reminderWindow } from '../../content/reminders.ts';
import { t } from '../../i18n.ts';
import { Checkbox } from '../checkbox.tsx';
import { ConfirmButton } from '../confirm-button.tsx';
import { CreateTokenForm } from '../create-token-form.tsx';
import { endpoints } from '../endpoints.ts';
import { ErrorMessage } from '../error-message.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { Pager } from '../pager.tsx';
import { SecretBox } from '../secret-box.tsx';
import { TokenTable } from '../token-table.tsx';
import type { UsageTarget } from '../usage.ts';
import { FilterField, filterQuery } from './filter-field.tsx';
import { Picker } from './picker.tsx';

const PAGE = 50;
const EMPTY = { user: '', name: '', expiresTo: '', lastUsedTo: '', expiringSoon: false };
const DATES = { expiresTo: 'end', lastUsedTo: 'end' } as const;

interface Props {
  me: Me;
  client: CompanionClient;
  site: Omit<UsageTarget, 'username'>;
}

/** The list's query; "expiring soon" is the reminders' window, which a chosen "expires before" narrows. */
function query({ expiringSoon, ...fields }: typeof EMPTY): Record<string, string | undefined> {
  return { ...(expiringSoon ? reminderWindow() : {}), ...filterQuery(fields, DATES) };
}

export function TokenManagerTab({ me, client, site }: Props) {
  const [filters, setFilters] = useState(EMPTY);
  const [applied, setApplied] = useState(EMPTY);
  const [offset, setOffset] = useState(0);
  const page = useLoad(
    () => client.get<TokenPage>(endpoints.adminTokens({ ...query(applied), limit: PAGE, offset })),
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
        <FilterField
          id="ata-filter-user"
          label={t('filterUser')}
          value={filters.user}
          onInput={(user) => setFilters({ ...filters, user })}
        />
        <FilterField
          id="ata-filter-name"
          label={t('filterName')}
          value={filters.name}
          onInput={(name) => setFilters({ ...filters, name })}
        />
        <FilterField
          id="ata-filter-expires"
          label={t('filterExpiresBefore')}
          type="date"
          value={filters.expiresTo}
          onInput={(expiresTo) => setFilters({ ...filters, expiresTo })}
        />
        <FilterField
          id="ata-filter-last-used"
          label={t('filterLastUsedBefore')}
          type="date"
          value={filters.lastUsedTo}
          onInput={(lastUsedTo) => setFilters({ ...filters, lastUsedTo })}
        />
        <div class="field">
          <Checkbox
            checked={filters.expiringSoon}
            onChange={(expiringSoon) => setFilters({ ...filters, expiringSoon })}
          >
            {t('filterExpiringSoon')}
          </Checkbox>
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
          usage={{ ...site, username: created.response.token.owner }}
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
