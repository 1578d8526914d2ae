// @vitest-environment happy-dom
// What a person sees about a token: the ready-to-paste examples after creating it, and the
// list's relative times, lozenges, scope and addresses.
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { relativeTime } from '../../../extension/panels/format.ts';
import { SecretBox } from '../../../extension/panels/secret-box.tsx';
import { TokenTable } from '../../../extension/panels/token-table.tsx';
import { shellQuote, usageExamples } from '../../../extension/panels/usage.ts';
import { token } from './fixtures.ts';

const SECRET = 'ata_0123456789abcdefghijABCDEFGHIJxyz';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-03-01T12:00:00Z');

afterEach(() => {
  document.body.innerHTML = '';
});

function mount(node: preact.ComponentChild): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  render(node, host);
  return host;
}

describe('the examples after creating a token', () => {
  it('give Jira’s /rest/api/2/myself as Basic and Bearer curl lines and the Python one-liners', () => {
    const jira = usageExamples(
      { siteUrl: 'https://jira.example.com/jira', product: 'jira', username: 'alice' },
      SECRET,
    );
    expect(jira.restUrl).toBe('https://jira.example.com/jira/rest/api/2/myself');
    expect(jira.curlBasic).toBe(`curl -u alice:${SECRET} https://jira.example.com/jira/rest/api/2/myself`);
    expect(jira.curlBearer).toBe(
      `curl -H 'Authorization: Bearer ${SECRET}' https://jira.example.com/jira/rest/api/2/myself`,
    );
    expect(jira.python).toBe(
      `requests.get("https://jira.example.com/jira/rest/api/2/myself", auth=("alice", "${SECRET}"))` +
        `  # or: JIRA(server="https://jira.example.com/jira", basic_auth=("alice", "${SECRET}"))`,
    );
  });

  it('give Confluence’s /rest/api/user/current, and quote a user name the shell would split', () => {
    const wiki = usageExamples(
      { siteUrl: 'https://wiki.example.com/confluence', product: 'confluence', username: "o'brien jr" },
      SECRET,
    );
    expect(wiki.restUrl).toBe('https://wiki.example.com/confluence/rest/api/user/current');
    expect(wiki.curlBasic).toBe(`curl -u 'o'\\''brien jr:${SECRET}' ${wiki.restUrl}`);
    expect(wiki.python).toBe(`requests.get("${wiki.restUrl}", auth=("o'brien jr", "${SECRET}"))`);
    expect(shellQuote('http://h/x?a=1&b')).toBe("'http://h/x?a=1&b'");
  });

  it('sit under the secret, each line with its own copy button, for the token’s owner', () => {
    const host = mount(
      <SecretBox
        name="ci"
        secret={SECRET}
        usage={{ siteUrl: 'http://localhost/jira', product: 'jira', username: 'bob' }}
        onDone={() => {}}
      />,
    );
    expect(host.querySelector('[data-testid="token-secret"]')?.textContent).toBe(SECRET);
    expect(host.querySelector('[data-testid="usage-curl-basic"]')?.textContent).toBe(
      `curl -u bob:${SECRET} http://localhost/jira/rest/api/2/myself`,
    );
    const labels = [...host.querySelectorAll('button')].map(
      (b) => b.getAttribute('aria-label') ?? b.textContent,
    );
    expect(labels).toEqual([
      'Copy the token',
      'Done',
      'Copy: curl, as bob with the token as the password',
      'Copy: curl, as a Bearer token',
      'Copy: Python requests (or the jira library)',
    ]);
  });
});

const at = (offset: number) => new Date(NOW.getTime() + offset).toISOString();

describe('the token list’s facts', () => {
  it('says "in 5 days" with a lozenge inside 7 days, "Expired" once past, and when and from where it was used', () => {
    const host = mount(
      <TokenTable
        now={NOW}
        tokens={[
          token({ id: '1', expiresAt: at(5 * DAY), lastUsedAt: at(-3 * HOUR), lastUsedIp: '10.1.2.3' }),
          token({ id: '2', expiresAt: at(30 * DAY), scope: 'read-only', ipAllowlist: ['10.0.0.0/8', '::1'] }),
          token({ id: '3', expiresAt: at(-2 * DAY) }),
        ]}
        onDelete={async () => {}}
      />,
    );
    const rows = [...host.querySelectorAll('tbody tr')];
    const cells = (row: Element | undefined) =>
      [...(row?.querySelectorAll('td') ?? [])].map((c) => c.textContent);
    const [soon, later, gone] = rows.map(cells);
    expect(soon?.slice(1)).toEqual([
      'in 5 daysExpires soon',
      '3 hours ago from 10.1.2.3',
      'Read and write',
      'Any address',
      'Delete',
    ]);
    expect(later?.slice(1, 5)).toEqual(['in 30 days', 'Not used yet', 'Read only', '10.0.0.0/8::1']);
    expect(gone?.[1]).toBe('2 days agoExpired');
    expect(rows[0]?.querySelector('time')?.getAttribute('datetime')).toBe(at(5 * DAY));
  });

  it('says when a token waits for its owner’s first visit, or the site no longer takes the owner’s credential', () => {
    const host = mount(
      <TokenTable
        now={NOW}
        tokens={[
          token({ id: '1', owner: 'bob', createdBy: 'admin', siteCredential: 'pending' }),
          token({ id: '2', siteCredential: 'refused' }),
          token({ id: '3', siteCredential: 'ready' }),
        ]}
        onDelete={async () => {}}
      />,
    );
    const names = [...host.querySelectorAll('tbody th')].map((th) => th.textContent);
    expect(names[0]).toContain('Waiting for bob to open the site once');
    expect(names[1]).toContain('The site no longer accepts alice’s credential');
    expect(names[2]).toBe('ci …AbCd');
  });

  it('picks the largest unit that fits', () => {
    expect(relativeTime(at(90_000), NOW)).toBe('in 2 minutes');
    expect(relativeTime(at(-DAY), NOW)).toBe('yesterday');
    expect(relativeTime(at(400 * DAY), NOW)).toBe('next year');
    expect(relativeTime(at(0), NOW)).toBe('now');
  });
});
