// The options page: which Jira and Confluence sites the extension works on.
import { render } from 'preact';
import { PANEL_CSS } from '../panels/styles.ts';
import { OptionsPage } from './options-page.tsx';

const style = document.createElement('style');
style.textContent = PANEL_CSS.replace(':host { all: initial; }', 'body { margin: 0; }');
document.head.append(style);
document.documentElement.lang = navigator.language || 'en';
const app = document.getElementById('app');
if (!app) throw new Error('options page: #app is missing');
app.className = matchMedia('(prefers-color-scheme: dark)').matches ? 'ata dark' : 'ata';
render(<OptionsPage />, app);
