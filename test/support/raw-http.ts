/** One raw HTTP/1.1 exchange over TCP, for requests no HTTP client would send (odd Host headers, NUL bytes). */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line) and `body`; reads until the server closes. */
export async function rawRequest(port: number, head: string, body: Uint8Array | string = ''): Promise<RawResponse> {
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(s) {
          s.write(`${head}\r\nConnection: close\r\n\r\n`);
          if (body.length) s.write(body);
        },
        data(_s, d) {
          chunks.push(Buffer.from(d));
        },
        close() {
          resolve();
        },
        end() {
          resolve();
        },
        error(_s, err) {
          reject(err);
        },
      },
    }).catch(reject);
  });
  const bytes = Buffer.concat(chunks);
  const text = bytes.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split < 0 ? undefined : split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
  }
  let bodyText = split < 0 ? '' : bytes.subarray(split + 4).toString('utf8');
  if (headers['transfer-encoding'] === 'chunked') bodyText = dechunk(bodyText);
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: bodyText };
}

function dechunk(s: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const nl = s.indexOf('\r\n', i);
    if (nl < 0) return out;
    const size = Number.parseInt(s.slice(i, nl), 16);
    if (!size) return out;
    out += s.slice(nl + 2, nl + 2 + size);
    i = nl + 2 + size + 2;
  }
}
