// @vitest-environment happy-dom
// Expiry reminders: the 7-day window either side of expiry, the banner on saved pages of every
// flavour (text, link to the panel, dismissal per token and phase), and nothing when nothing is due.
import { describe, expect, it } from 'vitest';
import type { Token } from '../../../extension/api-types.ts';
import { CompanionClient } from '../../../extension/companion-client.ts';
import { type ContentContext, runFeatures } from '../../../extension/content/feature.ts';
import expiryBanner, { REMINDERS_ID } from '../../../extension/content/features/expiry-banner.ts';
import { product } from '../../../extension/content/page-detect.ts';
import { reminderPhase, reminderWindow, tokensToRemind } from '../../../extension/content/reminders.ts';
import type { Area } from '../../../extension/storage/sites.ts';
import { me, memoryArea, token as tokenWith } from './fixtures.ts';
import { FLAVOURS, parse, savedPage } from './saved-pages.ts';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-03-01T12:00:00Z');
const at = (offset: number) => new Date(NOW.getTime() + offset).toISOString();

function token(id: string, expiresAt: string | null): Token {
  return tokenWith({ id, name: `token-${id}`, expiresAt });
}

function context(doc: Document, tokens: Token[], local: Area): ContentContext {
  const client = new CompanionClient(async (request) => {
    if (request.path !== '/api/v1/tokens') throw new Error(`unexpected ${request.path}`);
    return { status: 200, contentType: 'application/json', text: JSON.stringify(tokens) };
  });
  return {
    doc,
    product: product(doc) ?? 'jira',
    siteUrl: 'https://jira.example.com',
    client,
    me: me(),
    meError: null,
    local,
    now: () => NOW,
    signal: new AbortController().signal,
  };
}

const banners = (doc: Document) => [...doc.querySelectorAll(`#${REMINDERS_ID} .aui-banner`)];

describe('which tokens are reminded of', () => {
  it('those expiring within 7 days or expired within the last 7, soonest first', () => {
    expect(reminderPhase(token('a', at(7 * DAY)), NOW)).toBe('expiring');
    expect(reminderPhase(token('a', at(7 * DAY + 1)), NOW)).toBeNull();
    expect(reminderPhase(token('a', at(-7 * DAY)), NOW)).toBe('expired');
    expect(reminderPhase(token('a', at(-7 * DAY - 1)), NOW)).toBeNull();
    expect(reminderPhase(token('a', null), NOW)).toBeNull();
    const due = tokensToRemind([token('late', at(5 * DAY)), token('gone', at(-DAY)), token('x', null)], NOW);
    expect(due.map((r) => [r.token.id, r.phase])).toEqual([
      ['gone', 'expired'],
      ['late', 'expiring'],
    ]);
    expect(reminderWindow(NOW)).toEqual({ expiresFrom: at(-7 * DAY), expiresTo: at(7 * DAY) });
  });
});

describe.each(FLAVOURS)('the expiry banner on a saved %s page', (flavour) => {
  it('names the token and when, links to the panel, and stays dismissed for that token and phase', async () => {
    const local = memoryArea();
    const tokens = [token('1', at(3 * DAY)), token('2', at(-2 * DAY)), token('3', at(30 * DAY))];
    const doc = parse(savedPage(flavour, 'alice').html);
    await runFeatures([expiryBanner], context(doc, tokens, local));
    const shown = banners(doc);
    expect(shown.map((b) => b.querySelector('span')?.textContent?.trim())).toEqual([
      'Your API token “token-2” expired 2 days ago.',
      'Your API token “token-1” expires in 3 days.',
    ]);
    expect(doc.getElementById(REMINDERS_ID)?.parentElement?.id).toBe('header');
    expect(shown[0]?.querySelector('a')?.getAttribute('href')).toMatch(/#api-token-auth$/);
    const dismissButton = shown[1]?.querySelector('button[aria-label="Dismiss the reminder for “token-1”"]');
    (dismissButton as HTMLElement).click();
    expect(banners(doc)).toHaveLength(1);

    await new Promise((r) => setTimeout(r, 0));
    const again = parse(savedPage(flavour, 'alice').html);
    await runFeatures([expiryBanner], context(again, tokens, local));
    expect(banners(again).map((b) => b.getAttribute('data-token-id'))).toEqual(['2']);
    // Once it has expired, the dismissed "expires soon" does not hide "expired".
    const later = parse(savedPage(flavour, 'alice').html);
    await runFeatures([expiryBanner], context(later, [token('1', at(-DAY))], local));
    expect(banners(later).map((b) => b.getAttribute('data-token-id'))).toEqual(['1']);
  });

  it('shows nothing when no token is due, and never on an anonymous page', async () => {
    const doc = parse(savedPage(flavour, 'alice').html);
    await runFeatures([expiryBanner], context(doc, [token('3', at(30 * DAY))], memoryArea()));
    expect(doc.getElementById(REMINDERS_ID)).toBeNull();
    const anonymous = parse(savedPage(flavour, 'anonymous').html);
    const outcomes = await runFeatures(
      [expiryBanner],
      context(anonymous, [token('1', at(DAY))], memoryArea()),
    );
    expect(outcomes[0]?.state).toBe('skipped');
  });
});
