// System-Wide Settings: maximum validity, IP allowlist, reverse proxy, password Basic auth,
// auditing of authentications, read-only scope, and what the site receives for a token. After lowering the maximum, the answer says
// how many tokens outlive it and offers to cap them. The optional webhook is saved on its own, below.
import { useEffect, useState } from 'preact/hooks';
import { VALIDITY_OPTIONS } from '../../../shared/validity.ts';
import type { PutSettingsResponse, Settings, Validity } from '../../api-types.ts';
import type { CompanionClient } from '../../companion-client.ts';
import { t } from '../../i18n.ts';
import { Checkbox } from '../checkbox.tsx';
import { endpoints } from '../endpoints.ts';
import { ErrorMessage } from '../error-message.tsx';
import { validityLabel } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { IpListEditor, invalidEntries } from './ip-list-editor.tsx';
import { WebhookSection } from './webhook-section.tsx';

export function SettingsTab({ client, onSaved }: { client: CompanionClient; onSaved(): void }) {
  return (
    <>
      <SettingsForm client={client} onSaved={onSaved} />
      <WebhookSection client={client} />
    </>
  );
}

function SettingsForm({ client, onSaved }: { client: CompanionClient; onSaved(): void }) {
  const loaded = useLoad(() => client.get<Settings>(endpoints.settings()), [client]);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [result, setResult] = useState<PutSettingsResponse | null>(null);
  useEffect(() => setDraft(loaded.data ?? null), [loaded.data]);
  const save = useAction(async (cap: boolean) => {
    if (!draft) return;
    const clean: Settings = {
      ...draft,
      ipAllowlist: draft.ipAllowlist.map((v) => v.trim()).filter(Boolean),
      reverseProxy: {
        ...draft.reverseProxy,
        trustedProxies: draft.reverseProxy.trustedProxies.map((v) => v.trim()).filter(Boolean),
      },
    };
    const response = await client.put<PutSettingsResponse>(endpoints.settings(cap), clean);
    setResult(response);
    setDraft(response.settings);
    onSaved();
  });
  if (!draft)
    return loaded.error ? <ErrorMessage error={loaded.error} /> : <p class="subtle">{t('loading')}</p>;
  const update = (patch: Partial<Settings>) => setDraft({ ...draft, ...patch });
  const proxy = (patch: Partial<Settings['reverseProxy']>) =>
    update({ reverseProxy: { ...draft.reverseProxy, ...patch } });
  const invalid = invalidEntries([...draft.ipAllowlist, ...draft.reverseProxy.trustedProxies]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(false);
      }}
    >
      <div class="field">
        <label for="ata-max-validity">{t('maxValidity')}</label>
        <select
          id="ata-max-validity"
          value={draft.maxValidity}
          onChange={(e) => update({ maxValidity: e.currentTarget.value as Validity })}
        >
          {VALIDITY_OPTIONS.map((v) => (
            <option key={v} value={v}>
              {validityLabel(v)}
            </option>
          ))}
        </select>
      </div>
      <IpListEditor
        idPrefix="ata-allow"
        label={t('ipAllowlist')}
        values={draft.ipAllowlist}
        onChange={(ipAllowlist) => update({ ipAllowlist })}
      />
      <h3>{t('reverseProxy')}</h3>
      <Checkbox checked={draft.reverseProxy.enabled} onChange={(checked) => proxy({ enabled: checked })}>
        {t('reverseProxyEnabled')}
      </Checkbox>
      {draft.reverseProxy.enabled && (
        <>
          <IpListEditor
            idPrefix="ata-proxies"
            label={t('trustedProxies')}
            values={draft.reverseProxy.trustedProxies}
            onChange={(trustedProxies) => proxy({ trustedProxies })}
          />
          <div class="field">
            <label for="ata-ip-header">{t('clientIpHeader')}</label>
            <input
              id="ata-ip-header"
              value={draft.reverseProxy.clientIpHeader}
              onInput={(e) => proxy({ clientIpHeader: e.currentTarget.value })}
            />
          </div>
        </>
      )}
      <h3>{t('authentication')}</h3>
      <fieldset class="field">
        <legend>{t('siteCredentialMode')}</legend>
        {(['site-token', 'identity-header'] as const).map((mode) => (
          <label key={mode} class="radio">
            <input
              type="radio"
              name="ata-site-credential-mode"
              value={mode}
              checked={draft.siteCredentialMode === mode}
              onChange={() => update({ siteCredentialMode: mode })}
            />{' '}
            {t(mode === 'site-token' ? 'siteCredentialModeSiteToken' : 'siteCredentialModeIdentityHeader')}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <Checkbox
          checked={!draft.passwordBasicAuth}
          onChange={(checked) => update({ passwordBasicAuth: !checked })}
        >
          {t('disablePasswordBasicAuth')}
        </Checkbox>
      </div>
      <div class="field">
        <Checkbox
          checked={draft.auditAuthentications}
          onChange={(checked) => update({ auditAuthentications: checked })}
        >
          {t('auditAuthentications')}
        </Checkbox>
      </div>
      <div class="field">
        <Checkbox
          checked={draft.forceReadOnlyScope}
          onChange={(checked) => update({ forceReadOnlyScope: checked })}
        >
          {t('forceReadOnlyScope')}
        </Checkbox>
      </div>
      <ErrorMessage error={save.error} />
      {result && (
        <div class="message success" role="status">
          {t('settingsSaved')}
          {result.cappedTokens > 0 && <p>{t('tokensCapped', result.cappedTokens)}</p>}
        </div>
      )}
      {result && result.exceedingTokens > 0 && (
        <div class="message warning" role="status">
          <strong>{t('tokensExceed', result.exceedingTokens)}</strong>
          <button type="button" onClick={() => void save.run(true)}>
            {t('capTokens')}
          </button>
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={save.pending || invalid.length > 0}>
          {t('save')}
        </button>
      </div>
    </form>
  );
}
