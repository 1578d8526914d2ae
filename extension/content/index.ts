// The content script: the plain list of features (a unit test checks every file in features/
// is listed here). Each one declares where it runs and what it does.
import { browserEnv } from './browser-env.ts';
import adminLinks from './features/admin-links.ts';
import adminPage from './features/admin-page.ts';
import confluenceUserMenu from './features/confluence-user-menu.ts';
import expiryBanner from './features/expiry-banner.ts';
import jiraUserMenu from './features/jira-user-menu.ts';
import panelRouter from './features/panel-router.ts';
import { start } from './start.ts';

void start(
  [jiraUserMenu, confluenceUserMenu, adminLinks, adminPage, panelRouter, expiryBanner],
  browserEnv(),
);
