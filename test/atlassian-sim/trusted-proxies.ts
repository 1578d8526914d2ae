import ipaddr from 'ipaddr.js';

// Which TCP peers may assert a user with the identity header. Entries are addresses or CIDRs; IPv4-mapped IPv6
// peers (::ffff:127.0.0.2) are compared as IPv4, so a dual-stack listener behaves like an IPv4 one.
type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

function parseEntry(entry: string): Range {
  if (entry.includes('/')) {
    const [address, bits] = ipaddr.parseCIDR(entry);
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
      return [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)];
    }
    return [address, bits];
  }
  const address = normalise(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Fails fast on a malformed entry: a typo must not silently trust nobody (or everybody). */
export function trustedProxyMatcher(entries: readonly string[]): (peer: string) => boolean {
  const ranges = entries.map((entry) => {
    try {
      return parseEntry(entry.trim());
    } catch {
      throw new Error(`trustedProxies: not an address or CIDR: ${JSON.stringify(entry)}`);
    }
  });
  return (peer) => {
    if (!peer || ranges.length === 0 || !ipaddr.isValid(peer)) return false;
    const address = normalise(peer);
    return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  };
}
