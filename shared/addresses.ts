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
  if (!v4 && (!ipaddr.IPv6.isValid(address) || /::\d+(\.\d+){3}(%.*)?$/.test(address))) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) >= 1 && Number(prefix) <= (v4 ? 32 : 128);
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
