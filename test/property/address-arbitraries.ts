// Generators of address texts for the property tests. Values are drawn near one another (so
// ranges match often and miss by one bit often) and each is spelled in many ways: the canonical
// form, the other valid IPv6 forms, IPv4-mapped forms, zone ids, and the junk a forger might try
// (leading zeros, hex, short forms, "::a.b.c.d", brackets, ports).
import fc from 'fast-check';
import { formatAddress } from './address-model.ts';

export type Family = 4 | 6;
export interface Base {
  family: Family;
  value: bigint;
}

const bits = (family: Family) => (family === 4 ? 32 : 128);
const V4_SPECIAL = [
  0n,
  0xffffffffn,
  0x0a000000n,
  0x0a000001n,
  0x0affffffn,
  0x7f000001n,
  0xc0000201n,
  0xcb007109n,
];
const V6_SPECIAL = [
  0n,
  1n,
  (1n << 128n) - 1n,
  0x20010db8n << 96n,
  (0x20010db8n << 96n) | 1n,
  0xfe80n << 112n,
  0xfffen << 32n, // just below the IPv4-mapped block
  (0x1n << 48n) | 0x0a000001n, // ::1:0:a00:1, just above it
  0x64ff9bn << 96n, // the NAT64 prefix 64:ff9b::/96
];

const v4Value = fc.oneof(fc.constantFrom(...V4_SPECIAL), fc.integer({ min: 0, max: 0xffffffff }).map(BigInt));
const v6Value = fc.oneof(
  fc.constantFrom(...V6_SPECIAL),
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  fc.bigInt({ min: 0n, max: 0xffffn }).map((low) => (0x20010db8n << 96n) | low),
);

export const baseArb: fc.Arbitrary<Base> = fc.oneof(
  v4Value.map((value) => ({ family: 4 as const, value })),
  v6Value.map((value) => ({ family: 6 as const, value })),
);

/** A value inside or just outside `prefix` bits of the base: equal, a low bit flipped, or the boundary bit. */
export function nearArb(base: Base, prefix: number): fc.Arbitrary<Base> {
  const width = bits(base.family);
  const flip = (bit: number) => ({ family: base.family, value: base.value ^ (1n << BigInt(bit)) });
  const boundary = width - Math.min(Math.max(prefix, 1), width);
  return fc.oneof(
    fc.constant(base),
    fc.integer({ min: 0, max: width - 1 }).map(flip),
    fc.constant(flip(boundary)),
    fc.integer({ min: 0, max: Math.max(boundary - 1, 0) }).map(flip),
  );
}

/** A value inside `prefix` bits of the base: only bits below the prefix change. */
export function insideArb(base: Base, prefix: number): fc.Arbitrary<Base> {
  const hostBits = BigInt(bits(base.family) - prefix);
  return fc
    .bigInt({ min: 0n, max: (1n << hostBits) - 1n })
    .map((host) => ({ family: base.family, value: ((base.value >> hostBits) << hostBits) | host }));
}

/** The text Node gives for a peer: dotted IPv4, or IPv6 in RFC 5952 form (from the model). */
export const plainText = (address: Base): string =>
  address.family === 4 ? dotted(address.value) : formatAddress({ family: 6, value: address.value, zone: '' });

const dotted = (value: bigint) => formatAddress({ family: 4, value });
const groupsOf = (value: bigint) =>
  Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));

/** Every valid RFC 4291 spelling of eight groups: padding, case and which zero run becomes "::". */
function spellGroupsArb(groups: number[]): fc.Arbitrary<string> {
  const runs: Array<[number, number]> = [];
  for (let start = 0; start < 8; start++) {
    for (let end = start; end < 8 && groups[end] === 0; end++) runs.push([start, end - start + 1]);
  }
  return fc.record({ pad: fc.boolean(), upper: fc.boolean(), pick: fc.nat() }).map(({ pad, upper, pick }) => {
    const hex = (list: number[]) =>
      list
        .map((group) => {
          const text = pad ? group.toString(16).padStart(4, '0') : group.toString(16);
          return upper ? text.toUpperCase() : text;
        })
        .join(':');
    const run = runs.length > 0 ? runs[pick % (runs.length + 1)] : undefined;
    if (run === undefined) return hex(groups);
    const [start, length] = run;
    return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
  });
}

const ZONES = ['eth0', '1', 'lo', 'ETH0', '', 'eth0.1', 'en-1', '%25'];
const withZone = (text: string) => fc.constantFrom(...ZONES).map((zone) => `${text}%${zone}`);

function looseV4(value: bigint): fc.Arbitrary<string> {
  const octets = [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 0xffn));
  return fc.oneof(
    fc
      .integer({ min: 0, max: 3 })
      .map((i) => octets.map((o, j) => (i === j ? `0${o}` : String(o))).join('.')),
    fc
      .integer({ min: 0, max: 3 })
      .map((i) => octets.map((o, j) => (i === j ? `0x${o.toString(16)}` : o)).join('.')),
    fc.constant(`${octets[0]}.${(Number(value) & 0xffffff) >>> 0}`),
    fc.constant(String(Number(value))),
    fc.constant(`${dotted(value)}.`),
    fc.constant(`${dotted(value)}:8080`),
    fc.constant(` ${dotted(value)}\t`),
  );
}

function spellV4(value: bigint): fc.Arbitrary<string> {
  const mapped = (0xffffn << 32n) | value;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(dotted(value)) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('::ffff:', '::FFFF:', '0:0:0:0:0:ffff:', '::0:ffff:')
        .map((p) => p + dotted(value)),
    },
    { weight: 2, arbitrary: spellGroupsArb(groupsOf(mapped)) },
    { weight: 1, arbitrary: withZone(`::ffff:${dotted(value)}`) },
    { weight: 2, arbitrary: looseV4(value) },
    { weight: 1, arbitrary: looseV4(value).map((loose) => `::ffff:${loose}`) },
    { weight: 1, arbitrary: fc.constantFrom('::', '0::', '::0:').map((p) => p + dotted(value)) },
  );
}

function spellV6(value: bigint): fc.Arbitrary<string> {
  const groups = groupsOf(value);
  const spelled = spellGroupsArb(groups);
  const tail = `${groups
    .slice(0, 6)
    .map((g) => g.toString(16))
    .join(':')}:${dotted(value & 0xffffffffn)}`;
  return fc.oneof(
    { weight: 6, arbitrary: spelled },
    { weight: 1, arbitrary: fc.constant(tail) },
    { weight: 2, arbitrary: spelled.chain(withZone) },
    {
      weight: 2,
      arbitrary: spelled.chain((text) =>
        fc.constantFrom(
          `[${text}]`,
          `[${text}]:443`,
          `${text}:`,
          `0${text.replace(/^0*/, '0000')}`,
          `${text}:1:2:3:4:5:6:7:8`,
          text.replace(/[0-9]/, 'g'),
        ),
      ),
    },
  );
}

/** One address spelled some way; the model decides what it means. */
export const spellArb = (base: Base): fc.Arbitrary<string> =>
  base.family === 4 ? spellV4(base.value) : spellV6(base.value);

export const garbageAddressArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'unknown', 'localhost', '::ffff:', '0', '-1', ':::', '1.2.3', '%eth0', '[::1]'),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const PREFIX_JUNK = ['0', '00', '000', '0008', '-1', '+8', ' 8', '8 ', '8/8', '255.0.0.0', '', 'x'];

/** A settings entry near `base`: the address spelled some way, with or without a prefix (edges included). */
export function rangeTextArb(base: Base, prefix: number): fc.Arbitrary<string> {
  const width = bits(base.family);
  const prefixText = fc.oneof(
    { weight: 6, arbitrary: fc.constant(String(prefix)) },
    { weight: 1, arbitrary: fc.constantFrom(`0${prefix}`, `00${prefix}`, String(width), String(width + 1)) },
    { weight: 1, arbitrary: fc.constantFrom(...PREFIX_JUNK) },
  );
  const address = base.family === 4 ? fc.constant(dotted(base.value)) : spellV6(base.value);
  const mapped = (0xffffn << 32n) | base.value;
  return fc.oneof(
    { weight: 2, arbitrary: address },
    { weight: 6, arbitrary: fc.tuple(address, prefixText).map(([a, p]) => `${a}/${p}`) },
    {
      weight: base.family === 4 ? 2 : 0,
      arbitrary: fc
        .tuple(spellV4(base.value), fc.constantFrom(prefix + 96, prefix + 95, 96, 128, 95, 80))
        .map(([a, p]) => (a.includes(':') ? `${a}/${p}` : `${a}/${prefix}`)),
    },
    {
      weight: base.family === 4 ? 1 : 0,
      arbitrary: spellGroupsArb(groupsOf(mapped)).map((a) => `${a}/${prefix + 96}`),
    },
  );
}

export const prefixArb = (family: Family): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(1, bits(family), bits(family) - 1, 8, 16, 24, 64, 96).filter((p) => p <= bits(family)),
    fc.integer({ min: 1, max: bits(family) }),
  );
