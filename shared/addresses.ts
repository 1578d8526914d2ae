// Address-list validation shared by the management API and the extension's inline checks. No zod
// and no Node imports, so the content script that every site page loads stays small.
import ipaddr from 'ipaddr.js';

/**
 * True for a single IPv4/IPv6 address or a CIDR range, in the forms the validation plane compiles
 * (proxy-addr): loose IPv4 forms such as "10.1" are refused, and so are a /0 prefix (an empty list
 * already means every address) and an IPv4 tail straight after `::` (write `::ffff:10.0.0.1`).
 */
export function isAddressOrRange(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (!address || rest.length > 0) return false;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (
    !v4 &&
    (!ipaddr.IPv6.isValid(address) ||
      /::\d+(\.\d+){3}(%.*)?$/.test(address) ||
      !embeddedIPv4IsCanonical(address))
  ) {
    return false;
  }
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  // An IPv4-mapped entry is compared as IPv4: its prefix must stay within the mapped /96.
  const mapped = !v4 && ipaddr.IPv6.parse(address).isIPv4MappedAddress();
  return bits >= (mapped ? 96 : 1) && bits <= (v4 ? 32 : 128);
}

/**
 * An IPv6 address may end in dotted IPv4 (`::ffff:10.0.0.1`, how Node reports IPv4 peers), held to
 * four plain decimals: ipaddr.js takes any IPv4 form there (`::ffff:0x0.0.0.0`,
 * `::ffff:0203.0.113.9`). `::a.b.c.d`, with nothing before the `::`, is junk: RFC 4291 reads it as
 * ::a0b:c0d and ipaddr.js as a.b.c.d (`::255.255.248.0` matched an IPv4 proxy range), and an
 * address two components read differently must not be used at all.
 */
export function embeddedIPv4IsCanonical(address: string): boolean {
  const tail = address.slice(address.lastIndexOf(':') + 1).split('%')[0] ?? '';
  if (!tail.includes('.')) return true;
  return ipaddr.IPv4.isValidFourPartDecimal(tail) && !/^::[^:]*$/.test(address);
}

type Range = { address: ipaddr.IPv4 | ipaddr.IPv6; bits: number };

// An IPv4-mapped IPv6 entry is the IPv4 one (the validation plane compares it as IPv4 too).
function toRange(entry: string): Range | null {
  if (!isAddressOrRange(entry)) return null;
  const [text = '', prefix] = entry.split('/');
  const address = ipaddr.parse(text);
  const full = address.kind() === 'ipv4' ? 32 : 128;
  const bits = prefix === undefined ? full : Number(prefix);
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && bits >= 96) {
    return { address: address.toIPv4Address(), bits: bits - 96 };
  }
  return { address, bits };
}

/**
 * True when every address `inner` covers is covered by `outer` (both an address or a CIDR range,
 * as isAddressOrRange accepts them): what a token may hand on to a token it creates.
 */
export function isRangeWithin(inner: string, outer: string): boolean {
  const a = toRange(inner);
  const b = toRange(outer);
  if (!a || !b || a.address.kind() !== b.address.kind() || a.bits < b.bits) return false;
  // Same kind checked above; ipaddr's match() takes the pair as a tuple of that kind.
  return (a.address as ipaddr.IPv4).match(b.address as ipaddr.IPv4, b.bits);
}
