// The optional webhook in System-Wide Settings: its URL, a new signing secret (never shown: the
// companion answers only whether one is set), and a test button that reports what the receiver
// answered. Saved on its own, beside the settings form. A companion without the webhook (404) shows
// nothing.
import { useEffect, useState } from 'preact/hooks';
import type { PutWebhookSettings, WebhookSettings, WebhookTestResult } from '../../../shared/api.ts';
import { type CompanionClient, CompanionError } from '../../companion-client.ts';
import { t } from '../../i18n.ts';
import { Checkbox } from '../checkbox.tsx';
import { ErrorMessage } from '../error-message.tsx';
import { useAction, useLoad } from '../hooks.ts';

export const WEBHOOK_PATH = '/api/v1/admin/webhook';

function testOutcome(result: WebhookTestResult): string {
  if (result.delivered) return t('webhookTestDelivered', result.status ?? '');
  return result.status === null
    ? t('webhookTestUnreachable', result.error ?? '')
    : t('webhookTestRefused', result.status);
}

export function WebhookSection({ client }: { client: CompanionClient }) {
  const loaded = useLoad(() => client.get<WebhookSettings>(WEBHOOK_PATH), [client]);
  const [stored, setStored] = useState<WebhookSettings | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [saved, setSaved] = useState(false);
  const [tested, setTested] = useState<WebhookTestResult | null>(null);
  const show = (value: WebhookSettings) => {
    setStored(value);
    setEnabled(value.enabled);
    setUrl(value.url ?? '');
    setSecret('');
  };
  useEffect(() => {
    if (loaded.data) show(loaded.data);
  }, [loaded.data]);
  const put = useAction(async (body: PutWebhookSettings) => {
    setSaved(false);
    show(await client.put<WebhookSettings>(WEBHOOK_PATH, body));
    setSaved(true);
  });
  const test = useAction(async () => {
    setTested(null);
    setTested(await client.post<WebhookTestResult>(`${WEBHOOK_PATH}/test`, {}));
  });
  if (loaded.error instanceof CompanionError && loaded.error.status === 404) return null;
  if (!stored) return loaded.error ? <ErrorMessage error={loaded.error} /> : null;
  const body = (): PutWebhookSettings => ({
    enabled,
    url: url.trim() || null,
    // Left out, the stored secret is kept.
    ...(secret ? { secret } : {}),
  });
  return (
    <form
      class="webhook"
      aria-labelledby="ata-webhook-title"
      onSubmit={(e) => {
        e.preventDefault();
        void put.run(body());
      }}
    >
      <h3 id="ata-webhook-title">{t('webhook')}</h3>
      <p class="subtle">{t('webhookHelp')}</p>
      <Checkbox checked={enabled} onChange={setEnabled}>
        {t('webhookEnabled')}
      </Checkbox>
      <div class="field">
        <label for="ata-webhook-url">{t('webhookUrl')}</label>
        <input
          id="ata-webhook-url"
          type="url"
          placeholder="https://chat.example.com/hooks/…"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="ata-webhook-secret">{t('webhookSecret')}</label>
        <input
          id="ata-webhook-secret"
          type="password"
          autocomplete="new-password"
          minLength={16}
          maxLength={256}
          placeholder={stored.secretSet ? t('webhookSecretKept') : ''}
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
        />
        <p class="subtle">{t(stored.secretSet ? 'webhookSecretSet' : 'webhookSecretNotSet')}</p>
      </div>
      <ErrorMessage error={put.error ?? test.error} />
      {saved && (
        <div class="message success" role="status">
          {t('webhookSaved')}
        </div>
      )}
      {tested && (
        <div class={`message ${tested.delivered ? 'success' : 'warning'}`} role="status">
          {testOutcome(tested)}
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={put.pending}>
          {t('webhookSave')}
        </button>
        <button
          type="button"
          disabled={test.pending || !stored.url || !stored.secretSet}
          onClick={() => void test.run()}
        >
          {t('webhookTest')}
        </button>
        {stored.secretSet && (
          <button
            type="button"
            disabled={put.pending}
            onClick={() => void put.run({ enabled: false, url: url.trim() || null, secret: null })}
          >
            {t('webhookRemoveSecret')}
          </button>
        )}
      </div>
    </form>
  );
}
