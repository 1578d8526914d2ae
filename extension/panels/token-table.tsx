// The token list: name, created, expires (with an "expires soon" badge within 7 days), last
// used and from where, scope; one delete per row. Shared by the user panel and the Token Manager.
import type { Token } from '../api-types.ts';
import { t } from '../i18n.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { expiresSoon, formatDate, scopeLabel } from './format.ts';

interface Props {
  tokens: Token[];
  showOwner?: boolean;
  onDelete(token: Token): Promise<void>;
}

export function TokenTable({ tokens, showOwner = false, onDelete }: Props) {
  if (tokens.length === 0) return <p class="subtle">{t('noTokens')}</p>;
  return (
    <table>
      <caption class="subtle" style="text-align:left">
        {t('tokenCount', tokens.length)}
      </caption>
      <thead>
        <tr>
          {showOwner && <th scope="col">{t('colOwner')}</th>}
          <th scope="col">{t('colName')}</th>
          <th scope="col">{t('colCreated')}</th>
          <th scope="col">{t('colExpires')}</th>
          <th scope="col">{t('colLastUsed')}</th>
          <th scope="col">{t('colScope')}</th>
          <th scope="col">
            <span class="subtle">{t('colActions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <tr key={token.id} data-token-id={token.id}>
            {showOwner && <td>{token.owner}</td>}
            <th scope="row">
              {token.name} <span class="subtle">…{token.hint}</span>
              {token.createdBy !== token.owner && <div class="subtle">{t('createdBy', token.createdBy)}</div>}
            </th>
            <td>{formatDate(token.createdAt)}</td>
            <td>
              {token.expiresAt ? formatDate(token.expiresAt) : t('never')}
              {expiresSoon(token.expiresAt) && <span class="lozenge">{t('expiresSoon')}</span>}
            </td>
            <td>
              {token.lastUsedAt ? formatDate(token.lastUsedAt) : t('neverUsed')}
              {token.lastUsedIp && <div class="subtle">{t('fromIp', token.lastUsedIp)}</div>}
            </td>
            <td>{scopeLabel(token.scope)}</td>
            <td>
              <ConfirmButton
                label={t('delete')}
                ariaLabel={t('deleteToken', token.name)}
                question={t('confirmDeleteToken', token.name)}
                onConfirm={() => onDelete(token)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
