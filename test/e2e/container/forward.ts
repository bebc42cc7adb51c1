/**
 * Run inside a container's network namespace (`nsenter --target <pid> --net`): listens on
 * 127.0.0.1 there (port 0) and forwards each connection to <host>:<port>, the simulator's control
 * server on the bridge's gateway. Prints the port it listens on; exits when its stdin closes, so
 * it never outlives the test that started it.
 *   bun test/container/forward.ts <host> <port>
 */
import type { Socket } from 'bun';

const [host, portText] = process.argv.slice(2);
if (!host || !portText) {
  console.error('usage: bun test/container/forward.ts <host> <port>');
  process.exit(64);
}

/** One direction of a connection: what the peer could not take yet waits for its drain. */
class Pipe {
  private queue: Uint8Array[] = [];
  private ending = false;
  constructor(private to: Socket<unknown> | null = null) {}
  attach(to: Socket<unknown>) {
    this.to = to;
    this.flush();
  }
  push(chunk: Uint8Array) {
    this.queue.push(chunk);
    this.flush();
  }
  end() {
    this.ending = true;
    this.flush();
  }
  flush() {
    if (!this.to) return;
    while (this.queue.length) {
      const chunk = this.queue[0]!;
      const n = this.to.write(chunk);
      if (n < chunk.length) {
        this.queue[0] = chunk.subarray(Math.max(n, 0));
        return;
      }
      this.queue.shift();
    }
    if (this.ending) this.to.end();
  }
}

interface Conn {
  up: Pipe;
  down: Pipe;
}

const server = Bun.listen<Conn>({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    open(client) {
      const conn: Conn = { up: new Pipe(), down: new Pipe(client) };
      client.data = conn;
      void Bun.connect<Conn>({
        hostname: host,
        port: Number(portText),
        data: conn,
        socket: {
          open: (upstream) => conn.up.attach(upstream),
          data: (_, chunk) => conn.down.push(chunk),
          drain: () => conn.up.flush(),
          close: () => conn.down.end(),
          error: () => conn.down.end(),
        },
      }).catch(() => client.end());
    },
    data: (client, chunk) => client.data.up.push(chunk),
    drain: (client) => client.data.down.flush(),
    close: (client) => client.data.up.end(),
    error: (client) => client.data.up.end(),
  },
});
console.log(server.port);
// Nothing is sent on stdin; it only ends.
const stdin = Bun.stdin.stream().getReader();
while (!(await stdin.read()).done);
process.exit(0);
