// Translations from `_locales/<lang>/messages.json` through the browser's i18n API; outside an
// extension (unit tests in happy-dom) the English catalogue answers, so keys stay checked.
import en from './_locales/en/messages.json' with { type: 'json' };

export type MessageKey = keyof typeof en;

interface I18nApi {
  getMessage(key: string, substitutions?: string[]): string;
  getUILanguage?(): string;
}

function api(): I18nApi | undefined {
  const g = globalThis as { browser?: { i18n?: I18nApi }; chrome?: { i18n?: I18nApi } };
  return g.browser?.i18n ?? g.chrome?.i18n;
}

function substitute(message: string, substitutions: string[]): string {
  return message.replace(/\$(\d)/g, (_, n: string) => substitutions[Number(n) - 1] ?? '');
}

export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const subs = substitutions.map(String);
  const translated = api()?.getMessage(key, subs);
  if (translated) return translated;
  return substitute(en[key].message, subs);
}

/** The language for dates and numbers: the browser UI's, else the page's. */
export function uiLanguage(): string {
  return api()?.getUILanguage?.() ?? (globalThis.navigator?.language || 'en');
}
