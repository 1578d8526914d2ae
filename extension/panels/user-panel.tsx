// The user's own tokens: list, create (secret shown once), delete with confirmation, delete all.
import { useState } from 'preact/hooks';
import type { CreateTokenResponse, Me, Token } from '../api-types.ts';
import type { CompanionClient } from '../companion-client.ts';
import { t } from '../i18n.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { CreateTokenForm } from './create-token-form.tsx';
import { endpoints } from './endpoints.ts';
import { ErrorMessage } from './error-message.tsx';
import { useAction, useLoad } from './hooks.ts';
import { SecretBox } from './secret-box.tsx';
import { TokenTable } from './token-table.tsx';
import type { UsageTarget } from './usage.ts';

interface Props {
  me: Me;
  client: CompanionClient;
  site: Omit<UsageTarget, 'username'>;
}

export function UserPanel({ me, client, site }: Props) {
  const tokens = useLoad(() => client.get<Token[]>(endpoints.tokens), [client]);
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);
  const remove = useAction(async (token: Token) => {
    await client.delete(endpoints.token(token.id));
    tokens.reload();
  });
  const removeAll = useAction(async () => {
    await client.delete(endpoints.tokens);
    tokens.reload();
  });
  const list = tokens.data ?? [];
  return (
    <section aria-labelledby="ata-user-title">
      <h3 id="ata-user-title">{t('yourTokens')}</h3>
      <p class="subtle">{t('userIntro', me.displayName)}</p>
      {created && (
        <SecretBox
          name={created.token.name}
          secret={created.secret}
          usage={{ ...site, username: created.token.owner }}
          onDone={() => setCreated(null)}
        />
      )}
      {me.permissions.createOwnTokens || me.isAdmin ? (
        <CreateTokenForm
          idPrefix="ata-create"
          validityOptions={me.validityOptions}
          forceReadOnly={me.forceReadOnlyScope}
          onCreate={async (request) => {
            setCreated(await client.post<CreateTokenResponse>(endpoints.tokens, request));
            tokens.reload();
          }}
        />
      ) : (
        <div class="message info">{t('cannotCreate')}</div>
      )}
      <h3>{t('existingTokens')}</h3>
      <ErrorMessage error={tokens.error ?? remove.error ?? removeAll.error} />
      {tokens.loading && !tokens.data ? (
        <p class="subtle">{t('loading')}</p>
      ) : (
        <TokenTable
          tokens={list}
          onDelete={async (token) => {
            await remove.run(token);
          }}
        />
      )}
      {list.length > 1 && (
        <div class="actions">
          <ConfirmButton
            label={t('deleteAll')}
            question={t('confirmDeleteAll', list.length)}
            onConfirm={async () => {
              await removeAll.run();
            }}
          />
        </div>
      )}
    </section>
  );
}
