// The admin page's URL: the site's user administration page with the tab in the query, which
// the site keeps through its WebSudo redirect; anything else is not the admin page.
import { describe, expect, it } from 'vitest';
import { adminPageTab, adminPageUrl, withTab } from '../../../extension/content/admin-page-url.ts';

const JIRA = 'https://jira.example.com/jira';
const WIKI = 'https://wiki.example.com';

describe('the admin page URL', () => {
  it('is the user administration page of the product with ?api-token-auth=<tab>', () => {
    expect(adminPageUrl(JIRA, 'jira')).toBe(
      `${JIRA}/secure/admin/user/UserBrowser.jspa?api-token-auth=settings`,
    );
    expect(adminPageUrl(WIKI, 'confluence', 'audit')).toBe(
      `${WIKI}/admin/users/browseusers.action?api-token-auth=audit`,
    );
  });

  it('reads the tab back, and nothing from other pages, other sites or unknown tabs', () => {
    expect(adminPageTab(adminPageUrl(JIRA, 'jira', 'tokens'), JIRA, 'jira')).toBe('tokens');
    expect(
      adminPageTab(
        `${JIRA}/secure/admin/user/UserBrowser.jspa?max=20&api-token-auth=permissions#x`,
        JIRA,
        'jira',
      ),
    ).toBe('permissions');
    expect(adminPageTab(`${JIRA}/secure/admin/user/UserBrowser.jspa`, JIRA, 'jira')).toBeNull();
    expect(
      adminPageTab(`${JIRA}/secure/admin/user/UserBrowser.jspa?api-token-auth=users`, JIRA, 'jira'),
    ).toBeNull();
    expect(adminPageTab(`${JIRA}/secure/Dashboard.jspa?api-token-auth=settings`, JIRA, 'jira')).toBeNull();
    expect(adminPageTab(adminPageUrl('https://other.example.com/jira', 'jira'), JIRA, 'jira')).toBeNull();
    expect(adminPageTab(adminPageUrl(WIKI, 'confluence'), WIKI, 'jira')).toBeNull();
  });

  it('changes only the tab when switching tabs', () => {
    expect(withTab(`${WIKI}/admin/users/browseusers.action?x=1&api-token-auth=settings#top`, 'audit')).toBe(
      `${WIKI}/admin/users/browseusers.action?x=1&api-token-auth=audit#top`,
    );
  });
});
