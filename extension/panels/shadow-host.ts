// The element our UI lives in on someone else's page: a host with a shadow root holding our
// stylesheet and a root in the page's theme and language, so neither side's CSS leaks across.
// The dialogs and the admin page both render into one.
import { isDarkTheme } from '../content/page-detect.ts';
import { PANEL_CSS } from './styles.ts';

export function shadowHost(doc: Document, id: string): { host: HTMLDivElement; root: HTMLDivElement } {
  const host = doc.createElement('div');
  host.id = id;
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = PANEL_CSS;
  const root = doc.createElement('div');
  root.className = isDarkTheme(doc) ? 'ata dark' : 'ata';
  root.lang = doc.documentElement.lang || 'en';
  shadow.append(style, root);
  return { host, root };
}
