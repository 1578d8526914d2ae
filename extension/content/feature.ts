// What every content feature gets and declares. A feature says where it runs (`include`, a
// pure predicate over the context) and what it does (`init`); one feature's failure is logged
// with its name and never stops the others.
import { type Me, mayUseTokenPanel } from '../api-types.ts';
import type { CompanionClient, CompanionError } from '../companion-client.ts';
import type { Area } from '../storage/sites.ts';
import type { Product } from './page-detect.ts';

export interface ContentContext {
  doc: Document;
  product: Product;
  siteUrl: string;
  client: CompanionClient;
  /** The person as the companion sees them; null when anonymous or when /me failed. */
  me: Me | null;
  meError: CompanionError | null;
  /** The extension's storage.local (what the person dismissed). */
  local: Area;
  /** The clock, injected so tests are exact. */
  now(): Date;
  /** Stops observers when the content script is torn down (tests, extension reloads). */
  signal: AbortSignal;
}

/**
 * Whether the user menu offers the token panel: when the person may use it, and also when the
 * companion cannot answer right now (unreachable or 5xx, or not yet: status 0 `pending`), so
 * the panel can say so where the person looks instead of the item silently vanishing.
 */
export function offersTokenPanel({ me, meError }: Pick<ContentContext, 'me' | 'meError'>): boolean {
  if (me) return mayUseTokenPanel(me);
  return meError !== null && (meError.status === 0 || meError.status >= 500);
}

export interface Feature {
  name: string;
  include(ctx: ContentContext): boolean;
  init(ctx: ContentContext): void | Promise<void>;
}

export function defineFeature(feature: Feature): Feature {
  return feature;
}

export interface FeatureOutcome {
  name: string;
  state: 'ran' | 'skipped' | 'failed';
  error?: unknown;
}

export async function runFeatures(features: Feature[], ctx: ContentContext): Promise<FeatureOutcome[]> {
  return Promise.all(
    features.map(async (feature): Promise<FeatureOutcome> => {
      try {
        if (!feature.include(ctx)) return { name: feature.name, state: 'skipped' };
        await feature.init(ctx);
        return { name: feature.name, state: 'ran' };
      } catch (error) {
        console.error(`[api-token-auth:${feature.name}]`, error);
        return { name: feature.name, state: 'failed', error };
      }
    }),
  );
}
