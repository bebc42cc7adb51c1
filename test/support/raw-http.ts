/** One raw HTTP/1.1 exchange over TCP, for requests no HTTP client would send (odd Host headers, NUL bytes). */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawOptions {
  /**
   * Leave `Connection: close` out, so only the server can end the exchange (Bun's own refusals
   * close it; a normal answer would not): rejects after `timeoutMs` with what arrived.
   */
  serverCloses?: boolean;
  timeoutMs?: number;
}

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line) and `body`; reads until the server closes. */
export async function rawRequest(port: number, head: string, body: Uint8Array | string = '', o: RawOptions = {}): Promise<RawResponse> {
  const chunks: Buffer[] = [];
  let timer: Timer | undefined;
  const done = Promise.withResolvers<void>();
  // Written as the socket takes it: a large body does not fit in one write.
  let pending = Buffer.concat([
    Buffer.from(o.serverCloses ? `${head}\r\n\r\n` : `${head}\r\nConnection: close\r\n\r\n`),
    Buffer.from(body as string | Uint8Array),
  ]);
  const flush = (s: { write(b: Uint8Array): number }) => {
    while (pending.length) {
      const n = s.write(pending);
      if (n <= 0) return;
      pending = pending.subarray(n);
    }
  };
  const socket = Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      open(s) {
        flush(s);
      },
      drain(s) {
        flush(s);
      },
      data(_s, d) {
        chunks.push(Buffer.from(d));
      },
      close() {
        done.resolve();
      },
      end() {
        done.resolve();
      },
      error(_s, err) {
        done.reject(err);
      },
    },
  });
  socket.catch(done.reject);
  if (o.serverCloses) {
    const ms = o.timeoutMs ?? 5000;
    timer = setTimeout(() => {
      void socket.then((s) => s.end()).catch(() => {});
      done.reject(
        new Error(`the server kept the connection open past ${ms} ms; got: ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`),
      );
    }, ms);
  }
  await done.promise.finally(() => clearTimeout(timer));
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
