import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { embeddedIPv4IsCanonical } from '../../shared/addresses.ts';
import { boundedMemo } from './memo.ts';

/** The part of the system-wide settings that decides where the client address comes from. */
export interface ReverseProxySettings {
  enabled: boolean;
  trustedProxies: string[];
  clientIpHeader: string;
}

/** Lower-cased header names as Node gives them; a plugin may send repeated headers as arrays. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Where the forwarding header is read from: a bag, or a lookup by lower-cased name, which lets the
 * proxy endpoints read the one header they need from the raw list without building `req.headers`.
 */
export type HeaderSource = HeaderBag | ((name: string) => string | string[] | undefined);

export type AddressMatcher = (address: string) => boolean;

/**
 * An address is used only in its canonical text form. ipaddr.js also accepts `127.1`,
 * `0x7f000001` and `010.0.0.1`, which no proxy writes but a forger might, so such forms are
 * treated as junk: they are never trusted and never become the client address.
 */
export function canonicalAddress(raw: string | undefined | null): string | null {
  return raw ? rememberedCanonical(raw) : null;
}

const MAX_REMEMBERED = 4096;

/** `parse` remembered for the last few thousand inputs (see boundedMemo). */
export const rememberedAddressParse = (parse: (raw: string) => string | null) =>
  boundedMemo(parse, MAX_REMEMBERED);

const rememberedCanonical = rememberedAddressParse(parseCanonical);

function parseCanonical(raw: string): string | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(raw)) return ipaddr.IPv4.parse(raw).toString();
  if (!ipaddr.IPv6.isValid(raw) || !embeddedIPv4IsCanonical(raw)) return null;
  // `::ffff:10.0.0.1` is how Node reports IPv4 peers on a dual-stack socket: compare as IPv4.
  return ipaddr.process(raw).toString();
}

/**
 * Compiles a list of addresses and CIDR ranges (the allowlists and the trusted proxies) once.
 * proxy-addr does the range matching, IPv4-mapped IPv6 included; an empty list matches nothing.
 * Throws on an invalid entry: the settings are validated before they are saved.
 */
export function compileAddressList(list: readonly string[]): AddressMatcher {
  if (list.length === 0) return () => false;
  const matches = proxyaddr.compile([...list]);
  // Matched in canonical form: ipaddr.js (inside proxy-addr) reads some dotted-tail forms
  // differently from the canonical reading.
  return (address) => {
    const canonical = canonicalAddress(address);
    return canonical !== null && matches(canonical, 0);
  };
}

function joinHeader(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  // Several instances of the header are one list, in the order they arrived.
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Builds the function that tells the client address of a request, for one settings snapshot.
 * Without reverse-proxy support, or when the peer is not a trusted proxy, the peer is the client
 * and every forwarding header is ignored. Otherwise the configured header (an `X-Forwarded-For`
 * style list or a single `X-Real-IP`) is walked from the right, skipping trusted proxies; the
 * first untrusted entry is the client, or the leftmost when all are trusted. The entries on the
 * left are whatever the client wrote, so they are never read past an untrusted one.
 * Returns null when the address cannot be known (no peer, or the entry found is junk): callers
 * treat that as failing any allowlist.
 */
export function createClientIpResolver(
  settings: ReverseProxySettings,
): (peer: string | undefined, headers: HeaderSource) => string | null {
  if (!settings.enabled || settings.trustedProxies.length === 0) {
    return (peer) => canonicalAddress(peer);
  }
  const trusted = compileAddressList(settings.trustedProxies);
  const header = settings.clientIpHeader.toLowerCase();
  const walk = (peerAddress: string, forwarded: string): string | null => {
    const fakeRequest = {
      headers: { 'x-forwarded-for': forwarded },
      socket: { remoteAddress: peerAddress },
    } as unknown as IncomingMessage;
    return canonicalAddress(proxyaddr(fakeRequest, (address) => trusted(address)));
  };
  // A proxy asks about every REST call, mostly for the same few clients: the walk (which parses
  // each address again) is remembered per peer and header value, for this settings snapshot only.
  const remembered = new Map<string, string | null>();
  return (peer, headers) => {
    const peerAddress = canonicalAddress(peer);
    if (peerAddress === null) return null;
    const forwarded = joinHeader(typeof headers === 'function' ? headers(header) : headers[header]);
    if (forwarded.length > MAX_REMEMBERED_HEADER) return walk(peerAddress, forwarded);
    const key = `${peerAddress} ${forwarded}`;
    let client = remembered.get(key);
    if (client === undefined) {
      client = walk(peerAddress, forwarded);
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(key, client);
    }
    return client;
  };
}

/** Longer header values (long proxy chains, or junk) are walked every time, not remembered. */
const MAX_REMEMBERED_HEADER = 256;
