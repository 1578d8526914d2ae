// Properties of address lists (the IP allowlists and the trusted proxies of the settings): which
// entries the settings accept, and what a compiled list matches, checked against the BigInt model
// in address-model.ts.
import fc from 'fast-check';
import { compileAddressList } from '../../server/authz/client-ip.ts';
import { compilePolicy } from '../../server/authz/policy.ts';
import { defaultSettings } from '../../server/services/settings-service.ts';
import { isAddressOrRange } from '../../shared/addresses.ts';
import {
  baseArb,
  garbageAddressArb,
  nearArb,
  prefixArb,
  rangeTextArb,
  spellArb,
} from './address-arbitraries.ts';
import { formatAddress, listContains, parseAddress, parseRange, type Range } from './address-model.ts';
import { ok, type PropertyDefinition, show, verdict } from './property-kit.ts';

interface Neighbourhood {
  /** Settings entries spelled some way, valid or not. */
  entries: string[];
  /** Addresses near those entries (inside, just outside), spelled some way, plus junk. */
  addresses: string[];
}

export const neighbourhoodArb: fc.Arbitrary<Neighbourhood> = fc
  .array(
    baseArb.chain((base) => prefixArb(base.family).map((prefix) => ({ base, prefix }))),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .chain((nets) => {
    const near = fc.oneof(...nets.map(({ base, prefix }) => nearArb(base, prefix))).chain(spellArb);
    const address = fc.oneof(
      { weight: 8, arbitrary: near },
      { weight: 1, arbitrary: baseArb.chain(spellArb) },
      { weight: 1, arbitrary: garbageAddressArb },
    );
    return fc.record({
      entries: fc.tuple(...nets.map(({ base, prefix }) => rangeTextArb(base, prefix))),
      addresses: fc.array(address, { minLength: 1, maxLength: 4 }),
    });
  });

export const settingsEntries: PropertyDefinition<string> = {
  name: 'address lists: the settings accept exactly the entries the model accepts',
  arbitrary: fc.oneof(
    baseArb.chain((base) => prefixArb(base.family).chain((prefix) => rangeTextArb(base, prefix))),
    baseArb.chain(spellArb),
    garbageAddressArb,
  ),
  check(entry) {
    const accepted = isAddressOrRange(entry);
    const expected = parseRange(entry) !== null;
    if (accepted !== expected) {
      return verdict(
        'disagreement',
        `isAddressOrRange(${show(entry)}) is ${accepted}, the model says ${expected}`,
      );
    }
    if (accepted) compileAddressList([entry]);
    return ok;
  },
};

/** The model's canonical client address for a text, or null. */
export const canonical = (text: string | undefined): string | null => {
  const address = text === undefined ? null : parseAddress(text);
  return address === null ? null : formatAddress(address);
};

export const rangeMatching: PropertyDefinition<Neighbourhood> = {
  name: 'address lists: allowlists and trusted proxies match what the BigInt ranges contain',
  arbitrary: neighbourhoodArb,
  check({ entries, addresses }) {
    const valid = entries.filter((entry) => parseRange(entry) !== null);
    const ranges = valid.map((entry) => parseRange(entry) as Range);
    const matches = compileAddressList(valid);
    // The shipped defaults with this allowlist, so the test follows whatever else settings gain.
    const policy = compilePolicy({ ...defaultSettings(), ipAllowlist: valid });
    for (const text of addresses) {
      const expected = listContains(ranges, parseAddress(text));
      const actual = matches(text);
      if (actual !== expected) {
        return verdict(
          actual ? 'wrong-allow' : 'disagreement',
          `list ${show(valid)} matches ${show(text)}: ${actual}, the model says ${expected}`,
        );
      }
      // The policy is asked with the client address as the resolver gives it: canonical, or null.
      const client = canonical(text);
      const allowed = valid.length === 0 || (client !== null && listContains(ranges, parseAddress(client)));
      for (const [what, got] of [
        ['addressAllowed', policy.addressAllowed(client)],
        ['tokenAddressAllowed', policy.tokenAddressAllowed(valid, client)],
      ] as const) {
        if (got !== allowed) {
          return verdict(
            got ? 'wrong-allow' : 'disagreement',
            `${what}(${show(client)}) with list ${show(valid)} is ${got}, the model says ${allowed}`,
          );
        }
      }
    }
    return ok;
  },
};
