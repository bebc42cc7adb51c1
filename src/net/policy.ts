/**
 * Where the service may send requests: media fetched from a client's `file.url` and webhook
 * deliveries. Decided on the address the host name resolves to (every address it resolves to),
 * so `localhost`, `127.1`, `2130706433`, `0x7f000001` and `user@127.0.0.1` are all loopback
 * (WHATWG URL parsing normalizes the numeric spellings, DNS the names).
 *
 * A rule list entry is a host name (matched exactly, case-insensitive) or an address or CIDR
 * range (matched against the resolved addresses).
 */
import { lookup } from 'node:dns/promises';
import { type Cidr, inCidr, nonPublic, parseAddress, parseCidr } from './address';

export interface OutboundPolicy {
  /**
   * Why a request to `url` is refused, or null when it may go. Rejects with the signal's reason
   * once `signal` aborts: a name lookup has no time limit of its own.
   */
  refusal(url: string | URL, signal?: AbortSignal): Promise<string | null>;
}

export interface Rules {
  hosts: Set<string>;
  cidrs: Cidr[];
}

/** Parses a rule list (hosts, addresses, CIDRs); returns the entries it could not read. */
export function parseRules(entries: readonly string[]): { rules: Rules; invalid: string[] } {
  const rules: Rules = { hosts: new Set(), cidrs: [] };
  const invalid: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const cidr = parseCidr(entry);
    if (cidr) rules.cidrs.push(cidr);
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) rules.hosts.add(entry.replace(/\.$/, ''));
    else invalid.push(raw);
  }
  return { rules, invalid };
}

export interface PolicyOptions {
  /** Refuse addresses that are not public (loopback, private, link-local, unique-local, …) unless allowed. */
  blockNonPublic: boolean;
  /** Opens these even when not public. */
  allow?: Rules;
  /** Refused whatever else is said. */
  deny?: Rules;
  /** What names the variable in refusal messages, e.g. "MEDIA_FETCH_ALLOW". */
  allowVariable?: string;
  denyVariable?: string;
  /** DNS lookup; default: the system resolver, every address. */
  resolve?: (host: string) => Promise<string[]>;
}

const systemResolve = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export function outboundPolicy(o: PolicyOptions): OutboundPolicy {
  const resolve = o.resolve ?? systemResolve;
  const matches = (rules: Rules | undefined, host: string, addr: ReturnType<typeof parseAddress>) =>
    !!rules && (rules.hosts.has(host) || (addr !== null && rules.cidrs.some((c) => inCidr(addr, c))));
  return {
    async refusal(input, signal) {
      let url: URL;
      try {
        url = typeof input === 'string' ? new URL(input) : input;
      } catch {
        return 'not a valid URL';
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not http or https`;
      const host = url.hostname.toLowerCase().replace(/\.$/, '');
      const literal = parseAddress(host);
      let addresses: string[];
      try {
        addresses = literal ? [host] : await untilAborted(resolve(host), signal);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        return `host '${host}' does not resolve (${err instanceof Error ? err.message : String(err)})`;
      }
      if (addresses.length === 0) return `host '${host}' does not resolve`;
      for (const a of addresses) {
        const addr = parseAddress(a);
        if (matches(o.deny, host, addr)) return `${literal ? host : `${host} (${a})`} is denied by ${o.denyVariable ?? 'the deny list'}`;
        if (!o.blockNonPublic || matches(o.allow, host, addr)) continue;
        const kind = addr ? nonPublic(addr) : 'unparsable address';
        const where = literal ? host : `${host} resolves to ${a}, which`;
        if (kind) return `${where} is not a public address (${kind}); allow it with ${o.allowVariable ?? 'the allow list'}`;
      }
      return null;
    },
  };
}

/** `work`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
