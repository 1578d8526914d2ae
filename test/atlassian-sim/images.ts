import type Router from '@koa/router';
import type { RequestIdentity } from './site.ts';

// Small stand-ins for the products' own images (avatars and logos) and a few layout rules of the products' CSS
// that AUI itself does not carry. Everything here is generated: no binary files in the repository.
const AVATAR_COLOURS = ['#0052CC', '#00875A', '#6554C0', '#FF5630', '#FF991F', '#00A3BF'];

export function avatarSvg(seed: string): string {
  const colour = AVATAR_COLOURS[[...seed].reduce((n, ch) => n + ch.charCodeAt(0), 0) % AVATAR_COLOURS.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128"><rect width="128" height="128" fill="${colour}"/><circle cx="64" cy="50" r="24" fill="#fff"/><path d="M20 128c4-30 22-44 44-44s40 14 44 44z" fill="#fff"/></svg>`;
}

const JIRA_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 118 32"><path fill="#fff" d="M29 2H15a6 6 0 0 0 6 6h3v3a6 6 0 0 0 6 6V3a1 1 0 0 0-1-1z"/><path fill="#fff" opacity=".8" d="M22 9H8a6 6 0 0 0 6 6h3v3a6 6 0 0 0 6 6V10a1 1 0 0 0-1-1z"/><path fill="#fff" opacity=".6" d="M15 16H1a6 6 0 0 0 6 6h3v3a6 6 0 0 0 6 6V17a1 1 0 0 0-1-1z"/><text x="38" y="23" fill="#fff" font-family="-apple-system,Segoe UI,Roboto,sans-serif" font-size="20" font-weight="600">Jira</text></svg>`;

const CONFLUENCE_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 32"><path fill="#fff" d="M2 22c-.4.6-.8 1.4-1.1 1.9a1 1 0 0 0 .3 1.3l5.6 3.4a1 1 0 0 0 1.4-.3c.3-.5.7-1.1 1.1-1.8 2.8-4.6 5.6-4 10.6-1.6l5.6 2.6a1 1 0 0 0 1.3-.5l2.7-6a1 1 0 0 0-.5-1.3c-1.2-.6-3.5-1.6-5.6-2.6C15.7 13.3 7.5 13.6 2 22z"/><path fill="#fff" opacity=".8" d="M30 10c.4-.6.8-1.4 1.1-1.9a1 1 0 0 0-.3-1.3L25.2 3.4a1 1 0 0 0-1.4.3c-.3.5-.7 1.1-1.1 1.8-2.8 4.6-5.6 4-10.6 1.6L6.5 4.5a1 1 0 0 0-1.3.5l-2.7 6a1 1 0 0 0 .5 1.3c1.2.6 3.5 1.6 5.6 2.6C16.3 18.7 24.5 18.4 30 10z"/><text x="38" y="23" fill="#fff" font-family="-apple-system,Segoe UI,Roboto,sans-serif" font-size="20" font-weight="600">Confluence</text></svg>`;

// Header logo sizing and page spacing that the products ship in their own CSS batches.
const SIM_CSS = `
#logo img { height: 30px; display: block; }
#logo a { display: flex; align-items: center; padding: 5px 0; }
#content { padding: 20px; }
#footer { padding: 20px; color: var(--aui-lesser-body-text, #6b778c); font-size: 12px; text-align: center; }
#footer .atlassian-footer { list-style: none; padding: 0; margin: 0; }
#footer .atlassian-footer li { display: inline; margin: 0 6px; }
.sim-gadget { border: 1px solid var(--aui-border, #dfe1e6); border-radius: 3px; padding: 10px 15px; margin-bottom: 15px; }
.sim-login { max-width: 480px; margin: 40px auto; }
html[data-color-mode="dark"] body { background: var(--aui-body-background, #1d2125); }
`;

export function registerImages(router: Router<RequestIdentity>): void {
  const svg = (body: string) => (ctx: { type: string; body: unknown; set(k: string, v: string): void }) => {
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
  router.get('/secure/useravatar', (ctx) => svg(avatarSvg(String(ctx.query.ownerId ?? 'default')))(ctx));
  router.get('/images/icons/profilepics/:file', (ctx) => svg(avatarSvg(ctx.params.file ?? 'default'))(ctx));
  router.get('/images/sim/jira-logo.svg', svg(JIRA_LOGO));
  router.get('/images/sim/confluence-logo.svg', svg(CONFLUENCE_LOGO));
  router.get('/favicon.ico', svg(avatarSvg('favicon')));
  router.get('/images/sim.css', (ctx) => {
    ctx.type = 'text/css';
    ctx.body = SIM_CSS;
  });
}
