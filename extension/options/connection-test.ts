// "Test connection": what the companion answers at /healthz and /api/v1/me, in words.
import { t } from '../i18n.ts';

export interface ConnectionReport {
  ok: boolean;
  lines: string[];
}

async function probe(url: string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const response = await fetch(url, { credentials: 'include', headers: { Accept: 'application/json' } });
    return { status: response.status, body: (await response.text()).slice(0, 300) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export async function testConnection(companionUrl: string): Promise<ConnectionReport> {
  const health = await probe(`${companionUrl}/healthz`);
  if ('error' in health) return { ok: false, lines: [t('testUnreachable', companionUrl, health.error)] };
  const lines = [t('testHealth', health.status, health.body)];
  const me = await probe(`${companionUrl}/api/v1/me`);
  if ('error' in me) return { ok: false, lines: [...lines, t('testUnreachable', companionUrl, me.error)] };
  if (me.status === 200) {
    const { username } = JSON.parse(me.body) as { username?: string };
    lines.push(t('testMe', username ?? '?'));
  } else {
    lines.push(t('testMeStatus', me.status, me.body));
  }
  return { ok: health.status === 200, lines };
}
