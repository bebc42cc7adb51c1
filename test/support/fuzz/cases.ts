/**
 * Fuzz requests, written as raw HTTP/1.1 (so no client tidies a path or a header first): for
 * every operation of the OpenAPI document valid requests and their mutations, and hand-written
 * requests at the edge (Host forms, path tricks, sizes, framing).
 */
import { fieldPaths, type Operation, type Schema, type Seeds, sample, schemaAt, typeOf, withField } from './openapi';

export interface FuzzCase {
  label: string;
  /** The operation it aims at: which 5xx it may answer is what the document lists for it. */
  op?: Operation;
  /** Request line and headers, CRLF-separated, without the blank line. */
  head: string;
  body?: string | Uint8Array;
  /** Bun's own parser refuses it before any of our code runs (docs/http-edge.md). */
  bunRefuses?: boolean;
  /** It presents no valid key to a route that needs one: no 2xx may come back. */
  keyless?: boolean;
}

export interface CaseContext {
  host: string;
  key: string;
  seeds: Seeds;
  /** The session name an operation's `{session}` gets (a throwaway one for lifecycle changes). */
  sessionFor: (op: Operation) => string;
  /** Whether the operation is open without a key (/health, /ping, the docs). */
  open: (op: Operation) => boolean;
}

const byteLength = (b: string | Uint8Array) => (typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength);

/** A raw request: the Host given, a Content-Length for the body when there is one. */
function raw(host: string, method: string, target: string, headers: Record<string, string>, body?: string | Uint8Array) {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body !== undefined) lines.push(`Content-Length: ${byteLength(body)}`);
  return { head: lines.join('\r\n'), body };
}

/** Path segments that must never reach a file, a folder or another route: each is sent as is. */
export const BAD_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2e',
  '..%2f..%2fwabun.sqlite',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%2f',
  'a%2fb',
  '%5c..%5cwabun.sqlite',
  '%00',
  'a%00b',
  'x'.repeat(55),
  'x'.repeat(300),
  '%C3%BC',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%C0%AF',
  '%ZZ',
  '%',
  'fuzz-none',
  '',
];
const QUERY_GARBAGE = ['', 'abc', '-1', '0', '1e309', '1.5', 'true', 'null', '%00', '%ZZ', '[]', 'x'.repeat(4000)];
/** Values of another type than most fields take. */
const WRONG_TYPES: unknown[] = [1, -1, 1.5, true, 'str', '', [], {}, null];
/** Strings a field should refuse or keep as they are: huge, NUL, a lone surrogate, other scripts, traversal. */
const ODD_STRINGS = ['x'.repeat(70_000), 'a\u0000b', '\ud800', '😀名前', ' ', '../../etc/passwd', '%00', '\u202e\u0000\uffff'];
const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });

/** Every request for one operation: valid ones, then each mutation of path, query, key and body. */
export function operationCases(op: Operation, ctx: CaseContext): FuzzCase[] {
  const { host, key, seeds } = ctx;
  const out: FuzzCase[] = [];
  const paramValue = (name: string) =>
    name === 'session' ? ctx.sessionFor(op) : String(sample(op.params.find((p) => p.name === name)?.schema ?? {}, seeds, true, name));
  const pathWith = (over: Record<string, string> = {}) =>
    op.path.replace(/\{(\w+)\}/g, (_, n: string) => over[n] ?? encodeURIComponent(paramValue(n)));
  const queryParams = op.params.filter((p) => p.in === 'query');
  const queryOf = (all: boolean) =>
    queryParams
      .filter((p) => p.required || all)
      .map(
        (p) => `${p.name}=${encodeURIComponent(String(p.name === 'session' ? ctx.sessionFor(op) : sample(p.schema, seeds, true, p.name)))}`,
      );
  const qs = (pairs: string[]) => (pairs.length ? `?${pairs.join('&')}` : '');
  const bodyOf = () => (op.body ? sample(op.body, seeds, false) : undefined);
  const jsonHeaders = { 'X-Api-Key': key, 'Content-Type': 'application/json' };
  const add = (label: string, target: string, headers: Record<string, string>, body?: string | Uint8Array, method = op.method) =>
    out.push({ label: `${op.id} ${label}`, op, ...raw(host, method, target, headers, body) });
  const keyless = (label: string, target: string, headers: Record<string, string>, body?: string) =>
    out.push({ label: `${op.id} ${label}`, op, keyless: !ctx.open(op), ...raw(host, op.method, target, headers, body) });
  const send = (label: string, target: string, body?: unknown, headers: Record<string, string> = {}) =>
    add(label, target, { ...jsonHeaders, ...headers }, body === undefined ? undefined : JSON.stringify(body));

  const valid = pathWith() + qs(queryOf(false));
  send('valid', valid, bodyOf());
  send('valid, every optional field', pathWith() + qs(queryOf(true)), op.body && sample(op.body, seeds, true));
  // The key: absent, wrong, in the query, repeated with a wrong one first or last.
  const body = op.body ? JSON.stringify(bodyOf()) : undefined;
  const ct = { 'Content-Type': 'application/json' };
  keyless('without the key', valid, ct, body);
  keyless('a wrong key', valid, { ...ct, 'X-Api-Key': 'wrong' }, body);
  keyless('an empty key', valid, { ...ct, 'X-Api-Key': '' }, body);
  keyless('a key differing in case', valid, { ...ct, 'X-Api-Key': key.toUpperCase() }, body);
  keyless('the key with a character added', valid, { ...ct, 'X-Api-Key': `${key}x` }, body);
  const sep = valid.includes('?') ? '&' : '?';
  add('the key in the query', `${valid}${sep}x-api-key=${encodeURIComponent(key)}`, ct, body);
  keyless('the key twice in the query, wrong first', `${valid}${sep}x-api-key=bad&x-api-key=${encodeURIComponent(key)}`, ct, body);
  keyless(
    'a wrong key in the header, the right one in the query',
    `${valid}${sep}x-api-key=${encodeURIComponent(key)}`,
    { ...ct, 'X-Api-Key': 'bad' },
    body,
  );
  add('a right header, a wrong query key', `${valid}${sep}x-api-key=bad`, jsonHeaders, body);
  add('another method', valid, jsonHeaders, body, op.method === 'PATCH' ? 'PUT' : 'PATCH');

  for (const p of op.params.filter((q) => q.in === 'path'))
    for (const seg of BAD_SEGMENTS) send(`{${p.name}}=${seg.slice(0, 20)}`, pathWith({ [p.name]: seg }) + qs(queryOf(false)), bodyOf());

  const path = pathWith();
  for (const p of queryParams) {
    const others = queryOf(true).filter((q) => !q.startsWith(`${p.name}=`));
    const good = queryOf(true).find((q) => q.startsWith(`${p.name}=`)) ?? `${p.name}=x`;
    send(`?${p.name} twice`, path + qs([...others, good, good]), bodyOf());
    send(`?${p.name} twice, garbage second`, path + qs([...others, good, `${p.name}=abc`]), bodyOf());
    for (const g of QUERY_GARBAGE) send(`?${p.name}=${g.slice(0, 20)}`, path + qs([...others, `${p.name}=${g}`]), bodyOf());
  }
  send('unknown and odd query parameters', `${valid}${sep}zzz=1&__proto__=1&constructor[prototype]=1&&=&a=%ZZ&limit=1&limit=2`, bodyOf());

  if (op.body) out.push(...bodyCases(op, ctx, valid));
  return out;
}

/** Mutations of a JSON body: every field given each wrong type, odd strings, removed; odd roots and content types. */
function bodyCases(op: Operation, ctx: CaseContext, target: string): FuzzCase[] {
  const out: FuzzCase[] = [];
  const base = () => sample(op.body!, ctx.seeds, true);
  const add = (label: string, body: string | Uint8Array, contentType: string | null = 'application/json') =>
    out.push({
      label: `${op.id} body ${label}`,
      op,
      ...raw(ctx.host, op.method, target, { 'X-Api-Key': ctx.key, ...(contentType ? { 'Content-Type': contentType } : {}) }, body),
    });
  const json = (v: unknown) => JSON.stringify(v);

  for (const path of fieldPaths(base())) {
    const name = path.join('.');
    const schema: Schema | undefined = schemaAt(op.body, path);
    for (const w of WRONG_TYPES) add(`${name}=${json(w)}`, json(withField(base(), path, w)));
    add(`without ${name}`, json(withField(base(), path, undefined)));
    if (schema && typeOf(schema) === 'string')
      for (const s of ODD_STRINGS) add(`${name}=${json(s).slice(0, 24)}`, json(withField(base(), path, s)));
    if (path.length === 1) {
      add(`${name} nested 70 deep`, json(withField(base(), path, nest(70))));
      add(`${name} nested 50 deep`, json(withField(base(), path, nest(50))));
    }
  }
  const valid = json(base());
  add('with an unknown field', json({ ...(base() as object), unknown: { x: 1 } }));
  add('with __proto__ and constructor', `{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},${valid.slice(1)}`);
  add('with a key given twice', `${valid.slice(0, -1)},${valid.slice(1)}`);
  for (const root of ['[]', '[{}]', '"str"', '1', 'null', 'true', '', ' ', '{', '{"a":1', 'not json', '{}x', '\ufeff{}', '{}', '{"":1}'])
    add(`root ${root.slice(0, 10) || '(empty)'}`, root);
  add('a raw NUL byte in a string', valid.replace('"', '"\u0000'));
  add('invalid UTF-8', new Uint8Array([...Buffer.from(valid.slice(0, -1)), ...Buffer.from(',"k":"'), 0xc3, 0x28, ...Buffer.from('"}')]));
  for (const type of [
    null,
    'text/plain',
    'APPLICATION/JSON',
    'application/json; charset=utf-16',
    'application/merge-patch+json',
    'application/xml',
    'application/octet-stream',
    'application/jwt',
    'xxxxxxxxxxxxjson',
    'multipart/form-data',
    'application/x-www-form-urlencoded',
  ])
    add(`as ${type ?? 'no content type'}`, valid, type);
  const flat = Object.entries(base() as Record<string, unknown>).map(
    ([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string],
  );
  add('form-urlencoded fields', new URLSearchParams(flat).toString(), 'application/x-www-form-urlencoded');
  const parts = flat.map(([k, v]) => `--b\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  add('multipart fields', `${parts}--b--\r\n`, 'multipart/form-data; boundary=b');
  add('multipart, broken', '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end', 'multipart/form-data; boundary=b');
  return out;
}

/** Requests an HTTP client would not send, straight at the edge. */
export function edgeCases(host: string, key: string): FuzzCase[] {
  const k = `X-Api-Key: ${key}`;
  const json = 'Content-Type: application/json';
  const c = (label: string, head: string, body?: string | Uint8Array, bunRefuses = false): FuzzCase => ({ label, head, body, bunRefuses });
  const keyless = (label: string, head: string): FuzzCase => ({ label, head, keyless: true });
  const post = (label: string, body: string, type = json) =>
    c(label, `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\n${k}\r\n${type}\r\nContent-Length: ${Buffer.byteLength(body)}`, body);
  const deepArrays = `{"session":"default","chatId":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const get = (path: string, hostHeader = host) =>
    c(`GET ${path.slice(0, 40)} (Host ${hostHeader.slice(0, 20)})`, `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\n${k}`);
  const getKeyless = (path: string, hostHeader = host) =>
    keyless(`GET ${path.slice(0, 40)} without the key (Host ${hostHeader.slice(0, 20)})`, `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}`);
  const hosts = [
    'x',
    'api',
    'a:1',
    'localhost:3000',
    '[::1]:8080',
    'a b',
    '[',
    'x:99999',
    'x:0',
    'x%',
    'a/b',
    'ü',
    `${'a'.repeat(300)}`,
    '',
  ];
  const paths = [
    '//api/sessions',
    '/api//sessions',
    '/api/../api/sessions',
    '/docs/../api/sessions',
    '/docs/%2e%2e/api/sessions',
    '/%2e/api/sessions',
    '/api/sessions/%00',
    '/api%2fsessions',
    '/api/sessions/..%2f..%2fetc%2fpasswd',
    '/docs/..%2f..%2fapi/sessions',
    '/api/files/default/..%2f..%2fwabun.sqlite',
    '/api/files/default/%2e%2e%2f%2e%2e%2fwabun.sqlite',
    '/api/files/..%2fdata/x',
    '/api/files/default/%00',
    '/health/../api/sessions',
    '/api/sessions?all=true&all=false&all=',
    '/api/default/chats?limit=1&limit=2&limit=x',
    '/metrics?x-api-key=a&x-api-key=b',
  ];
  return [
    ...hosts.flatMap((h) => [
      c(`GET /health (Host ${h.slice(0, 20)})`, `GET /health HTTP/1.1\r\nHost: ${h}`),
      getKeyless('/api/sessions', h),
      get('/api/sessions', h),
    ]),
    ...paths.flatMap((p) => [get(p), getKeyless(p)]),
    keyless('absolute-form target without the key', `GET http://evil.example/api/sessions HTTP/1.1\r\nHost: ${host}`),
    keyless(
      'absolute-form target through /health, without the key',
      `GET http://evil.example/health/../api/sessions HTTP/1.1\r\nHost: ${host}`,
    ),
    c('two Host headers', `GET /api/sessions HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\n${k}`),
    c('HTTP/1.0 without Host', 'GET /health HTTP/1.0'),
    c('CONNECT', `CONNECT ${host} HTTP/1.1\r\nHost: ${host}`),
    c('TRACE', `TRACE /api/sessions HTTP/1.1\r\nHost: ${host}\r\n${k}`),
    c('HEAD', `HEAD /api/sessions HTTP/1.1\r\nHost: ${host}\r\n${k}`),
    post('10,000 nested objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
    post('100,000 nested arrays', deepArrays),
    // Types the app's parser would take as JSON, or whose fields it JSON-parses (docs/runtime-facts.md).
    post('100,000 nested arrays as application/jwt', deepArrays, 'Content-Type: application/jwt'),
    post('100,000 nested arrays as xxxxxxxxxxxxjson', deepArrays, 'Content-Type: xxxxxxxxxxxxjson'),
    post(
      '100,000 nested arrays in a multipart field',
      `--b\r\nContent-Disposition: form-data; name="chatId"\r\n\r\n${'['.repeat(100_000)}${']'.repeat(100_000)}\r\n--b--\r\n`,
      'Content-Type: multipart/form-data; boundary=b',
    ),
    post('a lone surrogate as application/jwt', '{"session":"default","chatId":"\\ud800","text":"x"}', 'Content-Type: application/jwt'),
    post('a NUL byte in the body', '{"session":"default","chatId":"\u0000","text":"x"}'),
    post('wrong types', '{"session":1,"chatId":[],"text":{}}'),
    post('empty', ''),
    post('not JSON', 'session=default&text=x'),
    c('Content-Length 99999999999', `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\n${k}\r\n${json}\r\nContent-Length: 99999999999`, '{'),
    c(
      'chunked, 6 MB',
      `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\n${k}\r\n${json}\r\nTransfer-Encoding: chunked`,
      chunked(6 * 1024 * 1024),
    ),
    // Bun's parser answers these itself (a bare status line, or none for a method it does not know).
    c('Content-Length -1', `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -1`, undefined, true),
    c('Content-Length abc', `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\nContent-Length: abc`, undefined, true),
    c('two Content-Lengths', `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1\r\nContent-Length: 2`, undefined, true),
    c(
      'Content-Length with chunked',
      `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\n${k}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked`,
      '2\r\n{}\r\n0\r\n\r\n',
      true,
    ),
    c(
      'a broken chunk size',
      `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\n${k}\r\nTransfer-Encoding: chunked`,
      'zz\r\n{}\r\n0\r\n\r\n',
      true,
    ),
    c('Transfer-Encoding gzip', `POST /api/sendText HTTP/1.1\r\nHost: ${host}\r\n${k}\r\nTransfer-Encoding: gzip`, '{}', true),
    c('a raw NUL in the path', `GET /he\0lth HTTP/1.1\r\nHost: ${host}`, undefined, true),
    c('a raw NUL in a header', `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-A: a\0b`, undefined, true),
    c('a space in the path', `GET /api/ses sions HTTP/1.1\r\nHost: ${host}`, undefined, true),
    c('no Host on HTTP/1.1', 'GET /health HTTP/1.1', undefined, true),
    c('HTTP/0.9', 'GET /health', undefined, true),
    c('HTTP/2.0', `GET /health HTTP/2.0\r\nHost: ${host}`, undefined, true),
    c('OPTIONS *', `OPTIONS * HTTP/1.1\r\nHost: ${host}`, undefined, true),
    c('a 100 KB URL', `GET /health?${'a'.repeat(100_000)} HTTP/1.1\r\nHost: ${host}`, undefined, true),
    c(
      '500 headers',
      `GET /health HTTP/1.1\r\nHost: ${host}${Array.from({ length: 500 }, (_, i) => `\r\nX-H${i}: v`).join('')}`,
      undefined,
      true,
    ),
    c('a 100 KB header', `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-A: ${'a'.repeat(100_000)}`, undefined, true),
    c('a lower-case method', `get /health HTTP/1.1\r\nHost: ${host}`, undefined, true),
    c('an unknown method', `FUZZ /health HTTP/1.1\r\nHost: ${host}`, undefined, true),
  ];
}

/** A chunked body of `size` spaces, in 64 KB chunks. */
function chunked(size: number): string {
  const chunk = ' '.repeat(65536);
  return `${`10000\r\n${chunk}\r\n`.repeat(Math.ceil(size / 65536))}0\r\n\r\n`;
}
