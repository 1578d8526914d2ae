// The property suite in `npm test`: each property of properties.ts, 10,000 cases from a fixed
// seed (PROPERTY_SEED replays another). `npm run fuzz` runs the same properties a million times.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { properties } from './properties.ts';
import { asProperty, seedFromEnv } from './property-kit.ts';

const CASES = 10_000;

describe('property-based tests against reference models', () => {
  for (const property of properties) {
    it(property.name, () => {
      // fast-check reports the seed, the path and the shrunk case of a failure.
      fc.assert(asProperty(property), { numRuns: CASES, seed: seedFromEnv() });
    });
  }
});
