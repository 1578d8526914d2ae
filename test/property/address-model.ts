// Reference model of IP addresses and ranges for the property tests: addresses are BigInts, a
// range is a network and a prefix length, and matching is shifting. It shares no code with
// ipaddr.js or proxy-addr on purpose: it is what those libraries are checked against.
//
// The rules it encodes (from server/authz/client-ip.ts and shared/addresses.ts):
// - IPv4 is four decimal octets, no leading zeros, no hex, no short forms ("10.1" is junk).
// - IPv6 is any RFC 4291 text form: 1-4 hex digits a group, at most one "::", an optional dotted
//   IPv4 tail (held to the IPv4 rule), an optional zone id of letters and digits (ignored when
//   matching, kept in the address written out).
// - "::a.b.c.d" (nothing before the "::") is junk: RFC 4291 reads it as ::a0b:c0d, ipaddr.js as
//   a.b.c.d, and an address two components read differently must not be used at all.
// - An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
// - A settings entry also refuses any IPv4 tail straight after "::", a /0 prefix, and an
//   IPv4-mapped network with a prefix below /96.

export type Address = { family: 4; value: bigint } | { family: 6; value: bigint; zone: string };
export interface Range {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const GROUP = /^[0-9A-Fa-f]{1,4}$/;
const ZONE = /^[0-9A-Za-z]+$/;
const MAPPED_MARK = 0xffffn;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** The 128-bit value of an IPv6 text without zone, and whether a dotted tail follows "::" directly. */
function parseV6(text: string): { value: bigint; tailAfterGap: boolean; leadingGapTail: boolean } | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const pieces = (half: string | undefined) => (half ? half.split(':') : []);
  const head = pieces(halves[0]);
  const tail = halves.length === 2 ? pieces(halves[1]) : [];
  // Only the very last piece of the text may be a dotted IPv4 tail.
  const lastOf = (list: string[], holdsLast: boolean) => (holdsLast ? list.length - 1 : -1);
  const seen = { dottedTail: false };
  const groups = (list: string[], lastIndex: number): bigint[] | null => {
    const out: bigint[] = [];
    for (const [index, piece] of list.entries()) {
      if (index === lastIndex && piece.includes('.')) {
        const dotted = parseV4(piece);
        if (dotted === null) return null;
        seen.dottedTail = true;
        out.push(dotted >> 16n, dotted & 0xffffn);
      } else if (GROUP.test(piece)) out.push(BigInt(`0x${piece}`));
      else return null;
    }
    return out;
  };
  const headGroups = groups(head, lastOf(head, halves.length === 1));
  const tailGroups = groups(tail, lastOf(tail, true));
  if (headGroups === null || tailGroups === null) return null;
  const explicit = headGroups.length + tailGroups.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const filled = [...headGroups, ...Array<bigint>(8 - explicit).fill(0n), ...tailGroups];
  const value = filled.reduce((acc, group) => (acc << 16n) | group, 0n);
  const tailAfterGap = halves.length === 2 && seen.dottedTail && tail.length === 1;
  return { value, tailAfterGap, leadingGapTail: tailAfterGap && head.length === 0 };
}

function parse(text: string, forSettings: boolean): Address | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const percent = text.indexOf('%');
  const zone = percent < 0 ? '' : text.slice(percent + 1);
  if (percent >= 0 && !ZONE.test(zone)) return null;
  const v6 = parseV6(percent < 0 ? text : text.slice(0, percent));
  if (v6 === null || v6.leadingGapTail || (forSettings && v6.tailAfterGap)) return null;
  if (v6.value >> 32n === MAPPED_MARK) return { family: 4, value: v6.value & 0xffffffffn };
  return { family: 6, value: v6.value, zone };
}

/** A client or proxy address as the model reads it; null for junk. */
export const parseAddress = (text: string): Address | null => parse(text, false);

function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::", the first one on a tie.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]) => list.map((group) => group.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/** The one text form an address is used in (RFC 5952 for IPv6, the zone kept). */
export function formatAddress(address: Address): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  return formatV6(address.value) + (address.zone ? `%${address.zone}` : '');
}

/** A settings entry (allowlist or trusted proxy): an address or a CIDR range; null when refused. */
export function parseRange(text: string): Range | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  const v4 = parseV4(addressText);
  const v6 = v4 === null ? parse(addressText, true) : null;
  if (v4 === null && v6 === null) return null;
  const max = v4 !== null ? 32 : 128;
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === null ? max : Number(prefixText);
  if (prefix < 1 || prefix > max) return null;
  if (v4 !== null) return { family: 4, network: v4, prefix };
  const address = v6 as Address;
  if (address.family === 4) {
    // A mapped entry is an IPv4 range written as IPv6: ::ffff:10.0.0.0/104 is 10.0.0.0/8. Below
    // /96 it would be mostly IPv6 space named by an IPv4 address, which no one means: refused.
    if (prefix < 96) return null;
    return { family: 4, network: address.value, prefix: prefixText === null ? 32 : prefix - 96 };
  }
  return { family: 6, network: address.value, prefix };
}

function inRange(value: bigint, bits: number, range: Range): boolean {
  const shift = BigInt(bits - range.prefix);
  return value >> shift === range.network >> shift;
}

/**
 * Whether an address lies in a range. IPv4 addresses (mapped ones included) are matched only by
 * IPv4 ranges: an IPv6 range wider than ::ffff:0:0/96, such as ::/1, matches IPv6 addresses only.
 */
export function rangeContains(range: Range, address: Address): boolean {
  if (range.family !== address.family) return false;
  if (address.family === 4) return inRange(address.value, 32, range);
  return inRange(address.value, 128, range);
}

export const listContains = (ranges: readonly Range[], address: Address | null): boolean =>
  address !== null && ranges.some((range) => rangeContains(range, address));
