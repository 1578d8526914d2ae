// The token list: name, created, expires ("in 5 days", with a lozenge within 7 days or once
// expired), last used ("3 hours ago from 10.1.2.3"), scope and the addresses it may be used
// from; one delete per row. Shared by the user panel and the Token Manager. Exact dates are in
// the title and the `datetime` of each relative time.
import type { Token } from '../api-types.ts';
import { t } from '../i18n.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { expiresSoon, formatDate, hasExpired, relativeTime, scopeLabel } from './format.ts';

interface Props {
  tokens: Token[];
  showOwner?: boolean;
  /** The clock, for tests. */
  now?: Date;
  onDelete(token: Token): Promise<void>;
}

function When({ iso, now }: { iso: string; now: Date }) {
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}

function Expiry({ expiresAt, now }: { expiresAt: string | null; now: Date }) {
  if (!expiresAt) return <>{t('never')}</>;
  return (
    <>
      <When iso={expiresAt} now={now} />
      {hasExpired(expiresAt, now) && <span class="lozenge removed">{t('expired')}</span>}
      {expiresSoon(expiresAt, now) && <span class="lozenge">{t('expiresSoon')}</span>}
    </>
  );
}

function LastUsed({ token, now }: { token: Token; now: Date }) {
  if (!token.lastUsedAt) return <>{t('neverUsed')}</>;
  const when = relativeTime(token.lastUsedAt, now);
  return (
    <time dateTime={token.lastUsedAt} title={formatDate(token.lastUsedAt)}>
      {token.lastUsedIp ? t('lastUsedFrom', when, token.lastUsedIp) : when}
    </time>
  );
}

/** Site-token mode: a token that cannot reach the site yet, or any more, says why. */
function SiteCredential({ token }: { token: Token }) {
  if (token.siteCredential === 'pending')
    return (
      <div>
        <span class="lozenge">{t('siteCredentialPending', token.owner)}</span>
      </div>
    );
  if (token.siteCredential === 'refused')
    return (
      <div>
        <span class="lozenge removed">{t('siteCredentialRefused', token.owner)}</span>
      </div>
    );
  return null;
}

export function TokenTable({ tokens, showOwner = false, now = new Date(), onDelete }: Props) {
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
          <th scope="col">{t('colIpList')}</th>
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
              <SiteCredential token={token} />
            </th>
            <td>{formatDate(token.createdAt)}</td>
            <td>
              <Expiry expiresAt={token.expiresAt} now={now} />
            </td>
            <td>
              <LastUsed token={token} now={now} />
            </td>
            <td>{scopeLabel(token.scope)}</td>
            <td>
              {token.ipAllowlist.length === 0 ? (
                <span class="subtle">{t('anyAddress')}</span>
              ) : (
                token.ipAllowlist.map((range) => (
                  <code key={range} class="ip">
                    {range}
                  </code>
                ))
              )}
            </td>
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
