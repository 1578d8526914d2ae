import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import type { Flavour } from './flavours.ts';

// Serves the real AUI and jQuery from the installed npm packages under resource URLs shaped like the products'
// web-resource batches (`/s/<hash>-CDN/<build>/<aui version>/_/download/resources/<plugin key>/<file>`), so that
// the CSS's relative font and image URLs resolve inside the same package folder.
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
};

const AUI_KEY = 'com.atlassian.auiplugin:aui';
const JQUERY_KEY = 'com.atlassian.plugins.jquery:jquery';

export function resourcePrefix(flavour: Flavour): string {
  const hash = createHash('md5').update(flavour.name).digest('hex');
  return `/s/${hash}-CDN/${flavour.buildNumber}/${flavour.auiVersion}/_/download/resources`;
}

/** The <link>/<script> URLs of a page, relative to the context path. */
export function auiUrls(flavour: Flavour) {
  const prefix = resourcePrefix(flavour);
  const aui = `${prefix}/${AUI_KEY}`;
  return {
    jquery: `${prefix}/${JQUERY_KEY}/jquery.min.js`,
    auiJs: `${aui}/aui-prototyping.js`,
    auiCss: `${aui}/aui-prototyping.css`,
    tokensCss: `${aui}/aui-prototyping-design-tokens-base-themes-css.css`,
  };
}

async function sendFile(
  ctx: { status: number; type: string; body: unknown; set(k: string, v: string): void },
  root: string,
  relative: string,
) {
  const file = resolve(root, relative);
  if (!file.startsWith(root + sep)) return false;
  try {
    ctx.body = await readFile(file);
  } catch {
    return false;
  }
  ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  return true;
}

/** Plain Koa middleware (not a route): the file part spans several path segments (fonts/…, images/…). */
export function assetMiddleware(flavour: Flavour): Middleware {
  const prefix = resourcePrefix(flavour);
  const roots: Record<string, string> = {
    [AUI_KEY]: resolve(NODE_MODULES, flavour.auiPackage, 'dist/aui'),
    [JQUERY_KEY]: resolve(NODE_MODULES, 'jquery/dist'),
  };
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith(`${prefix}/`)) return next();
    const [key = '', ...rest] = ctx.path.slice(prefix.length + 1).split('/');
    const root = roots[key];
    if (!root || !(await sendFile(ctx, root, rest.join('/')))) return next();
  };
}
