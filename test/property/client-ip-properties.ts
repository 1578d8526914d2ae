// The property of the client-IP walk (server/authz/client-ip.ts): which address a request is
// taken to come from, given the TCP peer, the trusted proxies and the forwarding header, checked
// against the walk stated on the BigInt model of address-model.ts.
import fc from 'fast-check';
import { createClientIpResolver, type HeaderBag } from '../../server/authz/client-ip.ts';
import {
  baseArb,
  garbageAddressArb,
  insideArb,
  nearArb,
  plainText,
  prefixArb,
  rangeTextArb,
  spellArb,
} from './address-arbitraries.ts';
import { formatAddress, listContains, parseAddress, parseRange, type Range } from './address-model.ts';
import { canonical } from './address-properties.ts';
import { ok, type PropertyDefinition, show, verdict } from './property-kit.ts';

interface WalkCase {
  enabled: boolean;
  trustedProxies: string[];
  clientIpHeader: string;
  peer: string | undefined;
  /** Each instance of the configured header as it arrived. */
  instances: string[];
  /** A forwarding header the settings do not name, which must be ignored. */
  other: string;
  asFunction: boolean;
}

const SEPARATORS = [', ', ',', ' , ', ' ,', ',  ', ', , ', ',,'];

/**
 * Trusted proxies, then addresses inside them (proxy hops), near them and anywhere (clients), so
 * that walks go through several trusted hops before they stop, and sometimes hit junk on the way.
 */
const walkArb: fc.Arbitrary<WalkCase> = fc
  .array(
    baseArb.chain((base) => prefixArb(base.family).map((prefix) => ({ base, prefix }))),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .chain((nets) => {
    const hop = fc.oneof(...nets.map(({ base, prefix }) => insideArb(base, prefix)));
    const client = fc.oneof(...nets.map(({ base, prefix }) => nearArb(base, prefix)), baseArb);
    const item = fc.oneof(
      { weight: 5, arbitrary: hop.map(plainText) },
      { weight: 3, arbitrary: client.map(plainText) },
      { weight: 2, arbitrary: fc.oneof(hop, client).chain(spellArb) },
      { weight: 1, arbitrary: fc.oneof(garbageAddressArb, fc.constant('')) },
    );
    const header = fc
      .array(fc.tuple(item, fc.constantFrom(...SEPARATORS)), { maxLength: 6 })
      .map((parts) => parts.map(([text, separator]) => text + separator).join(''));
    const entries = nets.map(({ base, prefix }) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(`${plainText(base)}/${prefix}`) },
        rangeTextArb(base, prefix),
      ),
    );
    return fc.record({
      enabled: fc.oneof(
        { weight: 9, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      trustedProxies: fc.tuple(...entries).chain((list) => {
        const valid = list.filter((entry) => parseRange(entry) !== null);
        if (valid.length === 0) return fc.constant<string[]>([]);
        return fc.oneof(
          { weight: 9, arbitrary: fc.subarray(valid, { minLength: 1 }) },
          fc.constant<string[]>([]),
        );
      }),
      clientIpHeader: fc.constantFrom('X-Forwarded-For', 'x-forwarded-for', 'X-Real-IP', 'X-REAL-IP'),
      peer: fc.oneof(
        { weight: 6, arbitrary: hop.map(plainText) },
        { weight: 2, arbitrary: client.map(plainText) },
        { weight: 1, arbitrary: fc.oneof(hop, client).chain(spellArb) },
        { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), garbageAddressArb) },
      ),
      instances: fc.array(header, { maxLength: 3 }),
      other: header,
      asFunction: fc.boolean(),
    });
  });

/** The walk as the model states it: from the TCP peer leftwards, over trusted proxies only. */
function expectedClient(input: WalkCase): string | null {
  const peer = canonical(input.peer);
  if (!input.enabled || input.trustedProxies.length === 0 || peer === null) return peer;
  const ranges = input.trustedProxies.map((entry) => parseRange(entry) as Range);
  const listed = input.instances
    .join(', ')
    .split(',')
    .map((item) => item.replace(/^ +| +$/g, ''))
    .filter((item) => item !== '');
  const chain = [peer, ...listed.reverse()];
  for (const [index, text] of chain.entries()) {
    const address = parseAddress(text);
    if (address === null) return null;
    if (index === chain.length - 1 || !listContains(ranges, address)) return formatAddress(address);
  }
  return null;
}

export const clientIpWalk: PropertyDefinition<WalkCase> = {
  name: 'client IP: walk X-Forwarded-For from the TCP peer leftwards, skipping trusted proxies only',
  arbitrary: walkArb,
  check(input) {
    const resolve = createClientIpResolver({
      enabled: input.enabled,
      trustedProxies: input.trustedProxies,
      clientIpHeader: input.clientIpHeader,
    });
    const name = input.clientIpHeader.toLowerCase();
    const otherName = name === 'x-real-ip' ? 'x-forwarded-for' : 'x-real-ip';
    const value = input.instances.length === 1 ? input.instances[0] : input.instances;
    const bag: HeaderBag = { [otherName]: input.other };
    if (input.instances.length > 0) bag[name] = value;
    const expected = expectedClient(input);
    // Twice: the second answer comes from the resolver's memo and must be the same.
    for (const round of ['first', 'remembered']) {
      const actual = resolve(input.peer, input.asFunction ? (header) => bag[header] : bag);
      if (actual !== expected) {
        return verdict(
          actual !== null ? 'wrong-allow' : 'disagreement',
          `${round} answer ${show(actual)}, the model says ${show(expected)} for ${show(input)}`,
        );
      }
    }
    return ok;
  },
};
