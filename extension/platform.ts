// The one place that touches the WebExtension API object, so modules that are unit-tested in
// happy-dom (page detection, features, panels) never load it.
import browser from 'webextension-polyfill';

export { browser };

/** The sites built in at build time (ATA_EXTENSION_SITES). */
export const builtinSites: string[] =
  typeof __ATA_BUILTIN_SITES__ === 'undefined' ? [] : __ATA_BUILTIN_SITES__;
