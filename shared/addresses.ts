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
