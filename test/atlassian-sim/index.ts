// The simulator's public surface: start a simulated Jira or Confluence and inspect or change its state.
export { hasLegacyJiraAudit, type SiteAuditLog, type SiteAuditRecord, siteAuditLog } from './audit-rest.ts';
export type { Flavour as FlavourSpec, FlavourName, FlavourName as Flavour, Product } from './flavours.ts';
export { FLAVOURS } from './flavours.ts';
export { MAX_FAILURES } from './login-guard.ts';
export type { Simulator, SimulatorOptions } from './server.ts';
export { startSimulator } from './server.ts';
export type { AuthMethod, LoggedRequest } from './state.ts';
export { SimState } from './state.ts';
