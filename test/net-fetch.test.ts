/**
 * fetchBounded and resolveMedia against real local servers on port 0, each one a way a server
 * could stretch a media fetch: loopback (refused by default, fetched when allowed), a redirect
 * from an allowed host to loopback, endless redirects, a body that trickles, a body that never
 * ends (declared or chunked), a failing answer, odd URLs. Each answers with the status that says
 * what happened.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { gzipSync } from 'node:zlib';
import type { Socket } from 'bun';
import { HttpError } from '../src/errors';
import { resolveMedia } from '../src/modules/messages/media';
import { type FetchLimits, fetchBounded } from '../src/net/fetch';
import { outboundPolicy, parseRules } from '../src/net/policy';

const KB = 1024;
const stops: (() => void)[] = [];
afterAll(() => {
  for (const stop of stops) stop();
});

/** A Bun server on `hostname`, port 0, stopped after the file. */
function serve(answer: (req: Request, base: string) => Response | Promise<Response>, hostname = '127.0.0.1'): string {
  let base = '';
  const server = Bun.serve({ port: 0, hostname, fetch: (req) => answer(req, base) });
  base = `http://${hostname}:${server.port}`;
  stops.push(() => server.stop(true));
  return base;
}

/**
 * A TCP server that answers every connection with `head` and then writes what `more` gives it
 * whenever the socket can take it, until `more` returns null or the client goes away: for bodies
 * Bun.serve would frame by itself.
 */
function rawServer(head: string, more: () => Uint8Array | null, everyMs = 0) {
  const timers = new Set<Timer>();
  const pump = (s: Socket<{ timer?: Timer }>) => {
    for (;;) {
      const chunk = more();
      if (!chunk) return void s.end();
      if (s.write(chunk) < chunk.byteLength || everyMs) return;
    }
  };
  const listener = Bun.listen<{ timer?: Timer }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        s.data = {};
      },
      data(s) {
        if (s.data.timer) return;
        s.write(head);
        if (everyMs) {
          s.data.timer = setInterval(() => pump(s), everyMs);
          timers.add(s.data.timer);
        } else pump(s);
      },
      drain(s) {
        if (!everyMs) pump(s);
      },
      close(s) {
        if (s.data.timer) clearInterval(s.data.timer);
      },
      error() {},
    },
  });
  stops.push(() => {
    for (const t of timers) clearInterval(t);
    listener.stop(true);
  });
  return `http://127.0.0.1:${listener.port}`;
}

const policy = (allow: string[] = [], resolve?: (host: string) => Promise<string[]>) =>
  outboundPolicy({ blockNonPublic: true, allow: parseRules(allow).rules, allowVariable: 'MEDIA_FETCH_ALLOW', resolve });

const limits = (o: Partial<FetchLimits> = {}): FetchLimits => ({
  maxBytes: 64 * KB,
  timeoutMs: 5000,
  field: 'file.url',
  sizeVariable: 'MEDIA_MAX_MB',
  timeVariable: 'MEDIA_FETCH_TIMEOUT_MS',
  policy: policy(['127.0.0.1']),
  ...o,
});

/** The HttpError `run` fails with. */
async function failure(run: Promise<unknown>): Promise<HttpError> {
  try {
    await run;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('expected an HttpError, the fetch succeeded');
}

const PIC = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const files = serve((req, base) => {
  const path = new URL(req.url).pathname;
  if (path.startsWith('/pic')) return new Response(PIC, { headers: { 'content-type': 'image/png' } });
  if (path === '/to-pic') return Response.redirect(`${base}/pic.png`, 302);
  if (path === '/loop') return Response.redirect(`${base}/loop`, 307);
  if (path === '/no-location') return new Response(null, { status: 302 });
  if (path === '/to-file') return new Response(null, { status: 301, headers: { location: 'file:///etc/passwd' } });
  if (path === '/gone') return new Response('gone', { status: 410 });
  if (path === '/boom') return new Response('boom', { status: 500 });
  return new Response('no', { status: 404 });
});

describe('the address policy, at the first hop and at every redirect', () => {
  test('a loopback URL is refused by default (400 naming MEDIA_FETCH_ALLOW), nothing is fetched', async () => {
    let hits = 0;
    const counted = serve(() => {
      hits++;
      return new Response(PIC);
    });
    const e = await failure(fetchBounded(`${counted}/pic.png`, limits({ policy: policy() })));
    expect(e.status).toBe(400);
    expect(e.message).toBe('file.url refused: 127.0.0.1 is not a public address (loopback); allow it with MEDIA_FETCH_ALLOW.');
    expect(e.details).toEqual({ field: 'file.url' });
    expect(hits).toBe(0);
  });

  test('the same URL is fetched with the allow rule (the address, or a range holding it)', async () => {
    for (const allow of ['127.0.0.1', '127.0.0.0/8']) {
      const got = await fetchBounded(`${files}/pic.png`, limits({ policy: policy([allow]) }));
      expect(got.bytes).toEqual(PIC);
      expect(got.contentType).toBe('image/png');
      expect(got.url.href).toBe(`${files}/pic.png`);
    }
  });

  test('a redirect is followed and the URL after it reported', async () => {
    const got = await fetchBounded(`${files}/to-pic`, limits());
    expect(got.bytes).toEqual(PIC);
    expect(got.url.pathname).toBe('/pic.png');
  });

  // The first hop is a server on 127.0.0.2, which is allowed; where it redirects to is not.
  const hop = serve((req) => Response.redirect(new URL(req.url).searchParams.get('to')!, 302), '127.0.0.2');
  const viaAllowed = (to: string) => `${hop}/?to=${encodeURIComponent(to)}`;

  test('an allowed host redirecting to loopback is refused at that hop, before any connection', async () => {
    let reached = 0;
    const target = serve(() => {
      reached++;
      return new Response(PIC);
    });
    const e = await failure(fetchBounded(viaAllowed(`${target}/pic.png`), limits({ policy: policy(['127.0.0.2']) })));
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      'file.url refused at redirect 1: 127.0.0.1 is not a public address (loopback); allow it with MEDIA_FETCH_ALLOW.',
    );
    expect(reached).toBe(0);
    // The metadata address, spelled as a number, likewise.
    const meta = await failure(fetchBounded(viaAllowed('http://2852039166/latest/meta-data/'), limits({ policy: policy(['127.0.0.2']) })));
    expect(meta.message).toContain('at redirect 1: 169.254.169.254 is not a public address (link-local (cloud metadata))');
  });

  test('a redirect to a name is decided on the address the name resolves to', async () => {
    const asked: string[] = [];
    const resolve = async (host: string) => {
      asked.push(host);
      return ['127.0.0.1'];
    };
    const e = await failure(fetchBounded(viaAllowed('http://rebound.example/pic.png'), limits({ policy: policy(['127.0.0.2'], resolve) })));
    expect(asked).toEqual(['rebound.example']);
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      'file.url refused at redirect 1: rebound.example resolves to 127.0.0.1, which is not a public address (loopback); allow it with MEDIA_FETCH_ALLOW.',
    );
  });

  test('a redirect to a non-http scheme → 400', async () => {
    const e = await failure(fetchBounded(`${files}/to-file`, limits()));
    expect(e.status).toBe(400);
    expect(e.message).toBe('file.url must be an http or https URL (a redirect led elsewhere).');
  });

  test('too many redirects → 502; a redirect without Location → 502', async () => {
    const loop = await failure(fetchBounded(`${files}/loop`, limits({ maxRedirects: 3 })));
    expect(loop.status).toBe(502);
    expect(loop.message).toBe('Fetching file.url redirected more than 3 times.');
    const bare = await failure(fetchBounded(`${files}/no-location`, limits()));
    expect(bare.status).toBe(502);
    expect(bare.message).toBe('Fetching file.url answered 302 without a Location.');
  });
});

describe('what the server answers', () => {
  test('a non-2xx → 502 with the status and the URL', async () => {
    for (const [path, status] of [
      ['/gone', 410],
      ['/boom', 500],
      ['/missing', 404],
    ] as const) {
      const e = await failure(fetchBounded(`${files}${path}`, limits()));
      expect(e.status).toBe(502);
      expect(e.message).toBe(`Fetching file.url answered ${status}.`);
      expect(e.details).toEqual({ field: 'file.url', url: `${files}${path}` });
    }
  });

  test('nothing listening → 502 naming the field', async () => {
    const closed = serve(() => new Response(''));
    stops.pop()?.(); // stopped now: the port is closed
    const e = await failure(fetchBounded(`${closed}/pic.png`, limits()));
    expect(e.status).toBe(502);
    expect(e.message).toStartWith('Could not fetch file.url: ');
  });

  test('a body that trickles a byte every 50 ms → 504 naming MEDIA_FETCH_TIMEOUT_MS', async () => {
    const slow = rawServer(
      'HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n',
      () => Buffer.from('1\r\nx\r\n'),
      50,
    );
    const e = await failure(fetchBounded(`${slow}/pic.png`, limits({ timeoutMs: 400 })));
    expect(e.status).toBe(504);
    expect(e.message).toBe('Fetching file.url took longer than 400 ms (MEDIA_FETCH_TIMEOUT_MS).');
  });

  test('a name lookup that never answers → 504 within the same time limit', async () => {
    const hanging = policy([], () => new Promise<string[]>(() => {}));
    const e = await failure(fetchBounded('http://slow-dns.example/pic.png', limits({ timeoutMs: 200, policy: hanging })));
    expect(e.status).toBe(504);
    expect(e.message).toBe('Fetching file.url took longer than 200 ms (MEDIA_FETCH_TIMEOUT_MS).');
  });

  test('headers that never come → 504', async () => {
    const silent = rawServer('', () => null, 1000);
    const e = await failure(fetchBounded(`${silent}/pic.png`, limits({ timeoutMs: 300 })));
    expect(e.status).toBe(504);
  });

  test('an endless body → 413 naming MEDIA_MAX_MB: chunked, or declared with a Content-Length', async () => {
    const chunk = Buffer.from(`4000\r\n${'x'.repeat(0x4000)}\r\n`);
    const chunked = rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', () => chunk);
    const e = await failure(fetchBounded(`${chunked}/big`, limits({ maxBytes: 1024 * KB })));
    expect(e.status).toBe(413);
    expect(e.message).toBe('The file at file.url is larger than 1 MB (MEDIA_MAX_MB).');

    const block = new Uint8Array(64 * KB);
    const declared = rawServer('HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n', () => block);
    expect((await failure(fetchBounded(`${declared}/big`, limits({ maxBytes: 1024 * KB })))).status).toBe(413);

    // A stream with no declared length, from Bun's own server.
    const streamed = serve(
      () =>
        new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(new Uint8Array(16 * KB));
            },
          }),
        ),
    );
    expect((await failure(fetchBounded(`${streamed}/big`, limits({ maxBytes: 1024 * KB })))).status).toBe(413);
  });

  test('a compressed body is counted as it decompresses: a small gzip of 64 MB → 413', async () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 * KB), { level: 9 });
    expect(bomb.byteLength).toBeLessThan(KB * KB);
    const zipped = serve(() => new Response(bomb, { headers: { 'content-encoding': 'gzip', 'content-type': 'image/png' } }));
    expect((await failure(fetchBounded(`${zipped}/pic.png`, limits({ maxBytes: 1024 * KB })))).status).toBe(413);
  });

  test('a body of exactly the limit is fetched whole', async () => {
    const exact = serve(() => new Response(new Uint8Array(64 * KB).fill(7)));
    const got = await fetchBounded(`${exact}/x`, limits());
    expect(got.bytes.byteLength).toBe(64 * KB);
  });
});

describe('odd URLs', () => {
  test('not a URL → 400', async () => {
    for (const raw of ['not a url', '', 'http://', '//127.0.0.1/x', 'http://[::1/x']) {
      const e = await failure(fetchBounded(raw, limits()));
      expect(e.status).toBe(400);
      expect(e.message).toBe('file.url is not a valid URL.');
    }
  });

  test('a non-http scheme → 400', async () => {
    for (const raw of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:image/png;base64,AAAA', 'javascript:alert(1)', 'ws://127.0.0.1/']) {
      const e = await failure(fetchBounded(raw, limits()));
      expect(e.status).toBe(400);
      expect(e.message).toBe('file.url must be an http or https URL.');
    }
  });
});

describe('resolveMedia: file.url to base64 media', () => {
  const media = { maxBytes: 64 * KB, timeoutMs: 5000, policy: policy(['127.0.0.1']) };

  test('a broken %-escape in the last segment is fetched fine; the filename is the raw segment', async () => {
    const got = await resolveMedia({ mimetype: 'image/png', url: `${files}/pic%E0%A4%A.png` }, media);
    expect(got).toEqual({ mimetype: 'image/png', filename: 'pic%E0%A4%A.png', data: Buffer.from(PIC).toString('base64') });
    const lone = await resolveMedia({ mimetype: 'image/png', url: `${files}/pic%` }, media);
    expect(lone.filename).toBe('pic%');
  });

  test('an encoded name is decoded; a path ending in / has none; a given filename wins', async () => {
    expect((await resolveMedia({ mimetype: 'image/png', url: `${files}/pic%20one.png` }, media)).filename).toBe('pic one.png');
    expect((await resolveMedia({ mimetype: 'image/png', url: `${files}/pics/?a=b` }, media)).filename).toBeNull();
    expect((await resolveMedia({ mimetype: 'image/png', url: `${files}/pic.png`, filename: 'mine.png' }, media)).filename).toBe('mine.png');
  });

  test('not a URL → 400 naming file.url', async () => {
    const e = await failure(resolveMedia({ mimetype: 'image/png', url: 'pic.png' }, media));
    expect(e.status).toBe(400);
    expect(e.details).toEqual({ field: 'file.url' });
  });

  test('loopback without the rule → 400', async () => {
    const e = await failure(resolveMedia({ mimetype: 'image/png', url: `${files}/pic.png` }, { ...media, policy: policy() }));
    expect(e.status).toBe(400);
    expect(e.message).toContain('MEDIA_FETCH_ALLOW');
  });
});
