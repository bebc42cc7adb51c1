/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, as numbers: enough to decide whether an outbound
 * request would reach loopback, a private network, link-local (cloud metadata) or the like.
 */
import { isIP } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

function v4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function v6(s: string): bigint | null {
  let text = s;
  // A dotted IPv4 tail (::ffff:127.0.0.1) becomes two hextets.
  const dot = text.lastIndexOf(':');
  if (text.includes('.', dot)) {
    const tail = v4(text.slice(dot + 1));
    if (tail === null) return null;
    text = `${text.slice(0, dot + 1)}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return n;
}

/** An address as family and number; IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as the IPv4 address. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
  const s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(s.split('%')[0] ?? '');
  if (family === 4) {
    const value = v4(s);
    return value === null ? null : { family: 4, value };
  }
  if (family === 6) {
    const value = v6(s.split('%')[0]!);
    if (value === null) return null;
    if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  return null;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128). Null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [addr = '', bitsText] = text.trim().split('/');
  const a = parseAddress(addr);
  if (!a) return null;
  const max = a.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  const shift = BigInt(max - bits);
  return { family: a.family, base: (a.value >> shift) << shift, bits };
}

export function inCidr(addr: { family: 4 | 6; value: bigint }, c: Cidr): boolean {
  if (addr.family !== c.family) return false;
  const shift = BigInt((c.family === 4 ? 32 : 128) - c.bits);
  return addr.value >> shift === c.base >> shift;
}

/** Ranges an outbound request must not reach unless allowed: what is not the public internet. */
export const NON_PUBLIC: readonly { name: string; cidr: Cidr }[] = [
  ['this network', '0.0.0.0/8'],
  ['loopback', '127.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['shared address space', '100.64.0.0/10'],
  ['link-local (cloud metadata)', '169.254.0.0/16'],
  ['private', '172.16.0.0/12'],
  ['IETF protocol assignments', '192.0.0.0/24'],
  ['private', '192.168.0.0/16'],
  ['benchmarking', '198.18.0.0/15'],
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['unique-local', 'fc00::/7'],
  ['link-local', 'fe80::/10'],
  ['multicast', 'ff00::/8'],
].map(([name, range]) => ({ name: name!, cidr: parseCidr(range!)! }));

/**
 * IPv6 prefixes that carry an IPv4 address in their low or middle bits and reach it through a
 * translator or tunnel where the network has one (NAT64, 6to4, the deprecated IPv4-compatible
 * form): such an address is as public as the IPv4 address inside it.
 */
const EMBEDDING: readonly { cidr: Cidr; v4: (value: bigint) => bigint }[] = [
  { cidr: parseCidr('64:ff9b::/96')!, v4: (v) => v & 0xffffffffn },
  { cidr: parseCidr('2002::/16')!, v4: (v) => (v >> 80n) & 0xffffffffn },
  { cidr: parseCidr('::/96')!, v4: (v) => v & 0xffffffffn },
];

/** The kind of non-public range the address is in, or null for a public address. */
export function nonPublic(addr: { family: 4 | 6; value: bigint }): string | null {
  const own = NON_PUBLIC.find((r) => inCidr(addr, r.cidr))?.name;
  if (own) return own;
  const embedding = addr.family === 6 ? EMBEDDING.find((e) => inCidr(addr, e.cidr)) : undefined;
  if (!embedding) return null;
  const inner = nonPublic({ family: 4, value: embedding.v4(addr.value) });
  return inner && `${inner} (an IPv4 address inside IPv6)`;
}
