// Sites: built in, from policy, and the person's own. Adding one asks for its host permission
// inside the click handler (browsers only grant it during a user gesture), then registers the
// content script through the background.
import { useEffect, useState } from 'preact/hooks';
import { send } from '../background/messages.ts';
import { t } from '../i18n.ts';
import { browser, builtinSites } from '../platform.ts';
import { defaultCompanionUrl, normaliseSiteUrl, originPattern } from '../storage/site-url.ts';
import { readAllSites, readUserSites, type SiteConfig, writeUserSites } from '../storage/sites.ts';
import { type ConnectionReport, testConnection } from './connection-test.ts';

const loadSites = () => readAllSites(builtinSites, browser.storage.local, browser.storage.managed);

export function OptionsPage() {
  const [sites, setSites] = useState<SiteConfig[]>([]);
  const [siteInput, setSiteInput] = useState('');
  const [companionInput, setCompanionInput] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reports, setReports] = useState<Record<string, ConnectionReport>>({});
  const [granted, setGranted] = useState<Record<string, boolean>>({});
  const refresh = async () => {
    const all = await loadSites();
    const access: Record<string, boolean> = {};
    for (const site of all) {
      access[site.siteUrl] = await browser.permissions.contains({ origins: [originPattern(site.siteUrl)] });
    }
    setGranted(access);
    setSites(all);
  };
  useEffect(() => void refresh(), []);

  const add = (event: Event) => {
    event.preventDefault();
    setError(null);
    const siteUrl = normaliseSiteUrl(siteInput);
    const companionUrl = companionInput.trim()
      ? normaliseSiteUrl(companionInput)
      : siteUrl && defaultCompanionUrl(siteUrl);
    if (!siteUrl) return setError(t('optionsBadSite'));
    if (!companionUrl) return setError(t('optionsBadCompanion'));
    // Synchronously inside the handler: the permission prompt needs the click's user gesture.
    const asked = browser.permissions.request({
      origins: [...new Set([originPattern(siteUrl), originPattern(companionUrl)])],
    });
    void asked.then(
      async (granted) => {
        if (!granted) return setError(t('optionsPermissionDenied', siteUrl));
        const own = (await readUserSites(browser.storage.local)).filter((s) => s.siteUrl !== siteUrl);
        await writeUserSites(browser.storage.local, [...own, { siteUrl, companionUrl, source: 'user' }]);
        await send(browser.runtime, 'sites.changed', {});
        setSiteInput('');
        setCompanionInput('');
        await refresh();
      },
      (failure: unknown) => setError(String(failure)),
    );
  };

  /** Policy sites arrive without their host permission; it can only be asked for in a click handler. */
  const allow = (site: SiteConfig) => {
    const asked = browser.permissions.request({
      origins: [...new Set([originPattern(site.siteUrl), originPattern(site.companionUrl)])],
    });
    void asked.then(async (ok) => {
      if (!ok) return setError(t('optionsPermissionDenied', site.siteUrl));
      await send(browser.runtime, 'sites.changed', {});
      await refresh();
    });
  };

  const remove = async (site: SiteConfig) => {
    const own = await readUserSites(browser.storage.local);
    await writeUserSites(
      browser.storage.local,
      own.filter((s) => s.siteUrl !== site.siteUrl),
    );
    await send(browser.runtime, 'sites.changed', {});
    await refresh();
  };

  const test = async (site: SiteConfig) => {
    const report = await testConnection(site.companionUrl);
    setReports((r) => ({ ...r, [site.siteUrl]: report }));
  };

  return (
    <main style="max-width:880px;margin:24px auto;padding:0 16px">
      <h1 style="font-size:24px;font-weight:500">{t('extName')}</h1>
      <p>{t('optionsIntro')}</p>
      <h2 style="font-size:18px">{t('optionsSites')}</h2>
      {sites.length === 0 && <p class="subtle">{t('optionsNoSites')}</p>}
      {sites.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('optionsSiteUrl')}</th>
              <th scope="col">{t('optionsCompanionUrl')}</th>
              <th scope="col">{t('optionsSource')}</th>
              <th scope="col">{t('colActions')}</th>
            </tr>
          </thead>
          <tbody>
            {sites.map((site) => (
              <tr key={site.siteUrl}>
                <td>{site.siteUrl}</td>
                <td>{site.companionUrl}</td>
                <td>
                  {t(
                    site.source === 'builtin'
                      ? 'sourceBuiltin'
                      : site.source === 'managed'
                        ? 'sourceManaged'
                        : 'sourceUser',
                  )}
                </td>
                <td>
                  {granted[site.siteUrl] === false && (
                    <button type="button" class="primary" onClick={() => allow(site)}>
                      {t('optionsAllowAccess')}
                    </button>
                  )}{' '}
                  <button type="button" onClick={() => void test(site)}>
                    {t('testConnection')}
                  </button>{' '}
                  {site.source === 'user' && (
                    <button
                      type="button"
                      aria-label={t('removeSite', site.siteUrl)}
                      onClick={() => void remove(site)}
                    >
                      {t('remove')}
                    </button>
                  )}
                  {reports[site.siteUrl] && (
                    <div class={`message ${reports[site.siteUrl]?.ok ? 'success' : 'error'}`} role="status">
                      {reports[site.siteUrl]?.lines.map((line) => (
                        <div key={line}>{line}</div>
                      ))}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 style="font-size:18px">{t('optionsAddSite')}</h2>
      <form onSubmit={add}>
        <div class="field">
          <label for="site-url">{t('optionsSiteUrl')}</label>
          <input
            id="site-url"
            type="url"
            required
            size={50}
            placeholder="https://jira.example.com"
            value={siteInput}
            onInput={(e) => setSiteInput(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="companion-url">{t('optionsCompanionUrlOptional')}</label>
          <input
            id="companion-url"
            type="url"
            size={50}
            placeholder="https://jira.example.com/api-token-auth"
            value={companionInput}
            onInput={(e) => setCompanionInput(e.currentTarget.value)}
          />
        </div>
        {error && (
          <div class="message error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="primary">
          {t('optionsAdd')}
        </button>
      </form>
    </main>
  );
}
