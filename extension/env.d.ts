// Build-time constants (see vite.config.ts) and crxjs's `?script` imports.
declare const __ATA_BUILTIN_SITES__: string[];
declare const __ATA_TARGET__: 'chrome' | 'firefox';

declare module '*?script' {
  /** The output file name of the content script, for `scripting.registerContentScripts`. */
  const file: string;
  export default file;
}
