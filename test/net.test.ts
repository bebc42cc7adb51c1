/**
 * src/net without a network: addresses and ranges as numbers, what is not public, and the
 * outbound policy's allow and deny rules over an injected resolver (so a name can resolve
 * anywhere the test wants, and literal addresses are seen never to reach the resolver).
 */
import { describe, expect, test } from 'bun:test';
import { parseConfig } from '../src/config';
import { inCidr, nonPublic, parseAddress, parseCidr } from '../src/net/address';
import { outboundPolicy, parseRules } from '../src/net/policy';

const v4 = (a: number, b: number, c: number, d: number) => ({
  family: 4 as const,
  value: BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d),
});
/** The kind of a URL's host as the policy sees it: WHATWG URL parsing first, then the address. */
const kindOfUrlHost = (url: string) => {
  const a = parseAddress(new URL(url).hostname);
  return a && nonPublic(a);
};

describe('parseAddress', () => {
  test('IPv4, IPv6, bracketed IPv6 and zone ids', () => {
    expect(parseAddress('127.0.0.1')).toEqual(v4(127, 0, 0, 1));
    expect(parseAddress('255.255.255.255')).toEqual(v4(255, 255, 255, 255));
    expect(parseAddress('::1')).toEqual({ family: 6, value: 1n });
    expect(parseAddress('[::1]')).toEqual({ family: 6, value: 1n });
    expect(parseAddress('::')).toEqual({ family: 6, value: 0n });
    expect(parseAddress('2001:db8::1')).toEqual({ family: 6, value: (0x20010db8n << 96n) | 1n });
    expect(parseAddress('fe80::1%eth0')).toEqual({ family: 6, value: (0xfe80n << 112n) | 1n });
  });

  test('IPv4-mapped IPv6, dotted or in hex, is the IPv4 address', () => {
    expect(parseAddress('::ffff:127.0.0.1')).toEqual(v4(127, 0, 0, 1));
    expect(parseAddress('[::ffff:7f00:1]')).toEqual(v4(127, 0, 0, 1));
    expect(parseAddress('::ffff:169.254.169.254')).toEqual(v4(169, 254, 169, 254));
  });

  test('what is not an address literal: names, short or numeric IPv4 spellings, junk', () => {
    // URL parsing turns 127.1, 2130706433 and 0x7f000001 into 127.0.0.1 before the policy sees them
    // (below); as raw text they are not addresses, so they would go to the resolver, never pass as public.
    for (const text of [
      'localhost',
      '127.1',
      '2130706433',
      '0x7f000001',
      '1.2.3.04',
      '256.0.0.1',
      '1.2.3',
      '::g',
      '1:2:3:4:5:6:7:8:9',
      '',
      '[]',
    ])
      expect(parseAddress(text)).toBeNull();
  });
});

describe('parseCidr and inCidr', () => {
  test('ranges and bare addresses', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ family: 4, base: 10n << 24n, bits: 8 });
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, base: 10n << 24n, bits: 8 });
    expect(parseCidr('127.0.0.1')).toEqual({ family: 4, base: 0x7f000001n, bits: 32 });
    expect(parseCidr('::1')).toEqual({ family: 6, base: 1n, bits: 128 });
    expect(parseCidr(' fd00::/8 ')).toEqual({ family: 6, base: 0xfdn << 120n, bits: 8 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, base: 0n, bits: 0 });
  });

  test('refused: bad bits, bad address, names', () => {
    for (const text of ['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/x', '10.0.0.0/8.5', 'example.com', '10.0.0/8', ''])
      expect(parseCidr(text)).toBeNull();
  });

  test('membership, never across families', () => {
    const ten = parseCidr('10.0.0.0/8')!;
    expect(inCidr(parseAddress('10.255.0.1')!, ten)).toBe(true);
    expect(inCidr(parseAddress('11.0.0.1')!, ten)).toBe(false);
    expect(inCidr(parseAddress('::a00:1')!, ten)).toBe(false);
    expect(inCidr(parseAddress('1.2.3.4')!, parseCidr('0.0.0.0/0')!)).toBe(true);
  });
});

describe('nonPublic', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'this network'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared address space'],
    ['100.127.255.255', 'shared address space'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    // IPv4 inside IPv6 prefixes a translator or tunnel would take to that IPv4 address.
    ['64:ff9b::7f00:1', 'loopback (an IPv4 address inside IPv6)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (cloud metadata) (an IPv4 address inside IPv6)'],
    ['2002:7f00:1::', 'loopback (an IPv4 address inside IPv6)'],
    ['2002:c0a8:101::1', 'private (an IPv4 address inside IPv6)'],
    ['::7f00:1', 'loopback (an IPv4 address inside IPv6)'],
  ])('%s is %s', (text, kind) => {
    expect(nonPublic(parseAddress(text)!)).toBe(kind);
  });

  test.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (text) => {
    expect(nonPublic(parseAddress(text)!)).toBeNull();
  });

  test.each([
    ['http://127.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://user@127.0.0.1/', 'loopback'],
    ['http://user:pw@127.0.0.1:8080/x', 'loopback'],
    ['http://127.0.0.1./', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://0/', 'this network'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata)'],
    ['http://[fd00:ec2::254]/', 'unique-local'],
  ])('%s: the host a URL parser makes of it is %s', (url, kind) => {
    expect(kindOfUrlHost(url)).toBe(kind);
  });
});

/** A resolver from a table; records every name it was asked. */
function resolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const found = table[host];
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return found;
  };
  return { asked, resolve };
}

const rules = (...entries: string[]) => {
  const { rules, invalid } = parseRules(entries);
  expect(invalid).toEqual([]);
  return rules;
};

const NAMES = {
  'public.example': ['93.184.216.34'],
  localhost: ['127.0.0.1', '::1'],
  'media.internal': ['10.0.0.5'],
  'mixed.example': ['93.184.216.34', '192.168.0.10'],
  'metadata.example': ['169.254.169.254'],
  'nothing.example': [],
};

describe('outboundPolicy: media (non-public refused unless allowed)', () => {
  const media = (allow: string[] = []) => {
    const r = resolver(NAMES);
    const policy = outboundPolicy({ blockNonPublic: true, allow: rules(...allow), allowVariable: 'MEDIA_FETCH_ALLOW', resolve: r.resolve });
    return { policy, asked: r.asked };
  };

  test('a public name and a public address go', async () => {
    const { policy } = media();
    expect(await policy.refusal('https://public.example/pic.png')).toBeNull();
    expect(await policy.refusal('http://93.184.216.34:8080/pic.png')).toBeNull();
    expect(await policy.refusal(new URL('https://[2606:4700:4700::1111]/x'))).toBeNull();
  });

  test('every spelling of loopback is refused, naming the address and the variable', async () => {
    const { policy, asked } = media();
    for (const url of [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://user@127.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      const why = await policy.refusal(url);
      expect(why).toContain('not a public address (loopback)');
      expect(why).toContain('MEDIA_FETCH_ALLOW');
    }
    // Literal addresses are decided as they are; only names are resolved.
    expect(asked).toEqual([]);
    expect(await policy.refusal('http://LocalHost./x')).toBe(
      'localhost resolves to 127.0.0.1, which is not a public address (loopback); allow it with MEDIA_FETCH_ALLOW',
    );
    expect(asked).toEqual(['localhost']);
  });

  test('metadata, private and unique-local addresses, by literal or by name', async () => {
    const { policy } = media();
    expect(await policy.refusal('http://169.254.169.254/latest/meta-data/')).toContain('(link-local (cloud metadata))');
    expect(await policy.refusal('http://metadata.example/')).toContain('169.254.169.254');
    expect(await policy.refusal('http://[fd00:ec2::254]/')).toContain('(unique-local)');
    expect(await policy.refusal('http://100.64.1.2/')).toContain('(shared address space)');
    expect(await policy.refusal('http://media.internal/')).toContain('10.0.0.5');
  });

  test('a name is refused when any one of its addresses is not public', async () => {
    expect(await media().policy.refusal('http://mixed.example/')).toContain('192.168.0.10');
  });

  test('a name that does not resolve, or resolves to nothing, is refused', async () => {
    const { policy } = media();
    expect(await policy.refusal('http://unknown.example/')).toContain("host 'unknown.example' does not resolve (getaddrinfo ENOTFOUND");
    expect(await policy.refusal('http://nothing.example/')).toBe("host 'nothing.example' does not resolve");
  });

  test('a name lookup that never answers gives up with the signal; literals need no lookup', async () => {
    const hanging = outboundPolicy({ blockNonPublic: true, resolve: () => new Promise<string[]>(() => {}) });
    const signal = AbortSignal.timeout(50);
    await expect(hanging.refusal('http://slow.example/', signal)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await hanging.refusal('http://127.0.0.1/', AbortSignal.abort())).toContain('loopback');
  });

  test('not a URL, or not http(s)', async () => {
    const { policy } = media();
    expect(await policy.refusal('not a url')).toBe('not a valid URL');
    expect(await policy.refusal('file:///etc/passwd')).toBe('scheme file: is not http or https');
    expect(await policy.refusal('gopher://public.example/')).toBe('scheme gopher: is not http or https');
  });

  test('allowed by host name (exact, any case, trailing dot), by address and by CIDR', async () => {
    const byName = media(['Media.Internal.', 'localhost']).policy;
    expect(await byName.refusal('http://media.internal/x')).toBeNull();
    expect(await byName.refusal('http://MEDIA.internal./x')).toBeNull();
    expect(await byName.refusal('http://localhost:8080/x')).toBeNull();
    // The name opens that name only, not its address spelled out, nor a sub-domain.
    expect(await byName.refusal('http://127.0.0.1/x')).toContain('loopback');
    expect(await byName.refusal('http://a.media.internal/x')).toContain('does not resolve');

    const byAddress = media(['127.0.0.1', '::1']).policy;
    expect(await byAddress.refusal('http://127.0.0.1:9/')).toBeNull();
    expect(await byAddress.refusal('http://127.1/')).toBeNull();
    expect(await byAddress.refusal('http://localhost/')).toBeNull(); // both of its addresses are allowed
    expect(await byAddress.refusal('http://127.0.0.2/')).toContain('loopback');

    const byRange = media(['10.0.0.0/8', 'fd00::/8']).policy;
    expect(await byRange.refusal('http://media.internal/')).toBeNull();
    expect(await byRange.refusal('http://10.200.0.1/')).toBeNull();
    expect(await byRange.refusal('http://[fd00:ec2::254]/')).toBeNull();
    expect(await byRange.refusal('http://192.168.0.1/')).toContain('private');
    expect(await byRange.refusal('http://localhost/')).toContain('loopback');
  });
});

describe('outboundPolicy: webhooks (anything but what is denied)', () => {
  const webhooks = (deny: string[]) =>
    outboundPolicy({ blockNonPublic: false, deny: rules(...deny), denyVariable: 'WEBHOOK_DENY', resolve: resolver(NAMES).resolve });

  test('the default WEBHOOK_DENY keeps link-local out; loopback and private networks stay open', async () => {
    const policy = outboundPolicy({
      blockNonPublic: false,
      deny: parseConfig({}).WEBHOOK_DENY,
      denyVariable: 'WEBHOOK_DENY',
      resolve: resolver(NAMES).resolve,
    });
    expect(await policy.refusal('http://127.0.0.1:3000/hook')).toBeNull();
    expect(await policy.refusal('http://localhost/hook')).toBeNull();
    expect(await policy.refusal('http://media.internal/hook')).toBeNull();
    expect(await policy.refusal('https://public.example/hook')).toBeNull();
    expect(await policy.refusal('http://169.254.169.254/')).toBe('169.254.169.254 is denied by WEBHOOK_DENY');
    expect(await policy.refusal('http://metadata.example/')).toBe('metadata.example (169.254.169.254) is denied by WEBHOOK_DENY');
    expect(await policy.refusal('http://[fe80::1]/')).toContain('denied by WEBHOOK_DENY');
    expect(await policy.refusal('http://[::ffff:169.254.169.254]/')).toContain('denied by WEBHOOK_DENY');
  });

  test('denied by host name or by CIDR; a deny wins over an allow', async () => {
    const policy = webhooks(['public.example', '127.0.0.0/8', '::1']);
    expect(await policy.refusal('https://PUBLIC.example/hook')).toBe('public.example (93.184.216.34) is denied by WEBHOOK_DENY');
    expect(await policy.refusal('http://127.0.0.1/')).toContain('denied');
    expect(await policy.refusal('http://127.1/')).toContain('denied');
    expect(await policy.refusal('http://localhost/')).toContain('denied');
    expect(await policy.refusal('http://media.internal/')).toBeNull();

    const both = outboundPolicy({
      blockNonPublic: true,
      allow: rules('127.0.0.0/8'),
      deny: rules('127.0.0.1'),
      resolve: resolver(NAMES).resolve,
    });
    expect(await both.refusal('http://127.0.0.2/')).toBeNull();
    expect(await both.refusal('http://127.0.0.1/')).toBe('127.0.0.1 is denied by the deny list');
  });
});

describe('parseRules', () => {
  test('hosts, addresses and ranges; what is neither is reported', () => {
    const { rules, invalid } = parseRules([' Media.Internal ', '10.0.0.0/8', '::1', '', 'not a host', 'a_b.example', '10.0.0.0/40']);
    expect([...rules.hosts]).toEqual(['media.internal']);
    expect(rules.cidrs).toHaveLength(2);
    expect(invalid).toEqual(['not a host', 'a_b.example', '10.0.0.0/40']);
  });
});
