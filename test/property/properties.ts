// The one list of properties: test/property/properties.test.ts runs each 10,000 times in
// `npm test`, scripts/fuzz.ts a million times (`npm run fuzz`).
import { rangeMatching, settingsEntries } from './address-properties.ts';
import { clientIpWalk } from './client-ip-properties.ts';
import { credentialKinds, noWrongAllows, tokenInUserName } from './credential-properties.ts';
import { erase } from './property-kit.ts';
import { queryCredentials } from './query-properties.ts';

export const properties = [
  erase(credentialKinds),
  erase(tokenInUserName),
  erase(noWrongAllows),
  erase(queryCredentials),
  erase(settingsEntries),
  erase(rangeMatching),
  erase(clientIpWalk),
];
