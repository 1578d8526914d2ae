// What distinguishes the four simulated products: version strings, which AUI the pages load, and whether the
// open user dropdown is moved to <body> (AUI 8) or stays in place (AUI 9).
export type FlavourName = 'jira9' | 'jira8' | 'confluence8' | 'confluence7';
export type Product = 'jira' | 'confluence';

export interface Flavour {
  name: FlavourName;
  product: Product;
  version: string;
  versionNumbers: [number, number, number];
  buildNumber: string;
  /** `@atlassian/aui` (AUI 9) or `aui8` (AUI 8.3.1): the installed package whose dist/aui is served. */
  auiPackage: '@atlassian/aui' | 'aui8';
  auiVersion: string;
  /** Jira 10 lets users pick a dark theme; the older flavours have none. */
  hasDarkTheme: boolean;
  /** Jira 8.20 has the Accessibility item in the user menu. */
  hasAccessibilityItem: boolean;
  /** Confluence 8 and Jira 10 menus carry ARIA roles. */
  ariaRoles: boolean;
}

const AUI9 = '9.13.6';
const AUI8 = '8.3.1';

export const FLAVOURS: Record<FlavourName, Flavour> = {
  jira9: {
    name: 'jira9',
    product: 'jira',
    version: '10.3.6',
    versionNumbers: [10, 3, 6],
    buildNumber: '10030006',
    auiPackage: '@atlassian/aui',
    auiVersion: AUI9,
    hasDarkTheme: true,
    hasAccessibilityItem: false,
    ariaRoles: true,
  },
  jira8: {
    name: 'jira8',
    product: 'jira',
    version: '8.20.30',
    versionNumbers: [8, 20, 30],
    buildNumber: '820030',
    auiPackage: 'aui8',
    auiVersion: AUI8,
    hasDarkTheme: false,
    hasAccessibilityItem: true,
    ariaRoles: false,
  },
  confluence8: {
    name: 'confluence8',
    product: 'confluence',
    version: '8.5.7',
    versionNumbers: [8, 5, 7],
    buildNumber: '9012',
    auiPackage: '@atlassian/aui',
    auiVersion: AUI9,
    hasDarkTheme: false,
    hasAccessibilityItem: false,
    ariaRoles: true,
  },
  confluence7: {
    name: 'confluence7',
    product: 'confluence',
    version: '7.19.16',
    versionNumbers: [7, 19, 16],
    buildNumber: '8804',
    auiPackage: 'aui8',
    auiVersion: AUI8,
    hasDarkTheme: false,
    hasAccessibilityItem: false,
    ariaRoles: false,
  },
};

export function isFlavourName(value: string): value is FlavourName {
  return Object.hasOwn(FLAVOURS, value);
}
