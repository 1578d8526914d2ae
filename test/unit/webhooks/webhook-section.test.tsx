// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompanionRequest } from '../../../extension/background/messages.ts';
import { CompanionClient } from '../../../extension/companion-client.ts';
import { SettingsTab } from '../../../extension/panels/admin/settings-tab.tsx';
import type { WebhookSettings } from '../../../shared/api.ts';

const SETTINGS = {
  maxValidity: 'P1Y',
  ipAllowlist: [],
  reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
  passwordBasicAuth: true,
  auditAuthentications: false,
  forceReadOnlyScope: false,
  siteCredentialMode: 'site-token',
};

/** A companion that answers the settings tab, and keeps the webhook the way the server would. */
function companion(options: { webhook?: boolean } = {}) {
  const calls: CompanionRequest[] = [];
  let webhook: WebhookSettings = { enabled: false, url: null, secretSet: false };
  const json = (status: number, body: unknown) => ({
    status,
    contentType: 'application/json',
    text: JSON.stringify(body),
  });
  const client = new CompanionClient(async (request) => {
    calls.push(request);
    const { method, path, body } = request;
    if (path === '/api/v1/admin/settings') return json(200, SETTINGS);
    if (options.webhook === false) return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    if (path === '/api/v1/admin/webhook' && method === 'GET') return json(200, webhook);
    if (path === '/api/v1/admin/webhook' && method === 'PUT') {
      const put = body as { enabled: boolean; url: string | null; secret?: string | null };
      const secretSet = put.secret === undefined ? webhook.secretSet : put.secret !== null;
      webhook = { enabled: put.enabled, url: put.url, secretSet };
      return json(200, webhook);
    }
    if (path === '/api/v1/admin/webhook/test') return json(200, { delivered: true, status: 204 });
    return json(404, { error: { code: 'not_found', message: path } });
  });
  return { client, calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until<T>(find: () => T | null | undefined): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const found = find();
    if (found) return found;
    await settle();
  }
  throw new Error('never appeared');
}
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;
const button = (text: string) =>
  [...document.querySelectorAll('button')].find((b) => b.textContent === text) as
    | HTMLButtonElement
    | undefined;
const type = (input: HTMLInputElement, value: string) => {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

describe('the webhook in System-Wide Settings', () => {
  it('saves the URL and a new secret, never shows the secret, keeps it when left empty, and tests', async () => {
    const { client, calls } = companion();
    render(<SettingsTab client={client} onSaved={() => {}} />, document.body);
    const url = await until(() => byId<HTMLInputElement>('ata-webhook-url'));
    const secret = byId<HTMLInputElement>('ata-webhook-secret') as HTMLInputElement;
    expect(secret.type).toBe('password');
    expect(document.body.textContent).toContain('No signing secret is stored yet.');
    expect(button('Send test event')?.disabled).toBe(true);

    type(url, 'https://chat.example.test/hooks/abc');
    type(secret, 'a-long-enough-secret-123');
    const enable = [...document.querySelectorAll('label')].find(
      (l) => l.textContent === 'Send webhook events',
    );
    enable?.querySelector('input')?.click();
    await settle();
    button('Save webhook')?.click();
    await until(() => document.body.textContent?.includes('Webhook saved.'));
    const put = calls.find((c) => c.method === 'PUT' && c.path === '/api/v1/admin/webhook');
    expect(put?.body).toEqual({
      enabled: true,
      url: 'https://chat.example.test/hooks/abc',
      secret: 'a-long-enough-secret-123',
    });
    expect(secret.value).toBe('');
    expect(secret.placeholder).toBe('Leave empty to keep the stored secret');
    expect(document.body.textContent).toContain('A signing secret is stored');

    button('Save webhook')?.click();
    await until(
      () => calls.filter((c) => c.method === 'PUT' && c.path === '/api/v1/admin/webhook').length === 2,
    );
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({
      enabled: true,
      url: 'https://chat.example.test/hooks/abc',
    });

    await until(() => button('Send test event')?.disabled === false);
    button('Send test event')?.click();
    await until(() =>
      document.body.textContent?.includes('Test event delivered: the receiver answered 204.'),
    );
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/admin/webhook/test')).toBe(true);

    button('Remove secret and switch off')?.click();
    await until(() => document.body.textContent?.includes('No signing secret is stored yet.'));
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toMatchObject({
      enabled: false,
      secret: null,
    });
  });

  it('shows nothing of the webhook when the companion does not have it', async () => {
    const { client } = companion({ webhook: false });
    render(<SettingsTab client={client} onSaved={() => {}} />, document.body);
    await until(() => byId('ata-max-validity'));
    await settle();
    await settle();
    expect(byId('ata-webhook-url')).toBeNull();
    expect(document.body.textContent).not.toContain('Webhook');
  });
});
