/**
 * Lets the simulator page in a container reach the test's control server, which runs on the host.
 * The page is https://web.whatsapp.com, a public origin, and Chromium 156 guards everything else:
 * - to a private address (the bridge's gateway, where the host is reached) it needs a Local Network
 *   Access grant, and with Local Network Access checks off it is mixed content (ws:// from https)
 *   and blocked anyway; to loopback it needs only the grant (loopback counts as secure).
 *   So the page connects to 127.0.0.1 in the container's own network namespace, where a forwarder
 *   (forward.ts, started there with nsenter) passes each connection on to the gateway.
 * - full chromium honours the grant in the profile's Preferences (test/sim allowLoopbackControl),
 *   written into the data volume before the browser first starts; it lasts across restarts;
 * - the headless shell ignores the profile's content settings, and the service speaks DevTools
 *   over a pipe (no port another client could grant the permission through). What is left is
 *   the flag: CHROMIUM_EXTRA_FLAGS=--disable-features=LocalNetworkAccessChecks (test/sim
 *   controlFlags), which the service merges into its own --disable-features list.
 * docs/container.md has what was tried and measured.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allowLoopbackControl, controlFlags } from '../../sim/index';
import { chownLike } from './podman';
import type { Container } from './run';

/** Grants the session's profile, in the data volume mounted at `data` on the host, before the session starts. */
export function allowControlInVolume(data: string, session: string): void {
  const profile = join(data, 'sessions', session, 'session');
  mkdirSync(profile, { recursive: true });
  allowLoopbackControl(profile);
  chownLike(data, join(data, 'sessions'));
}

/**
 * The podman flags that run `executable` in the container: PUPPETEER_EXECUTABLE_PATH when it is
 * asked for (`asked`; otherwise the service's discovery must find it), and the flags its page needs
 * to reach the control server (none where the profile's grant works).
 */
export function browserArgs(executable: string, asked: boolean): string[] {
  const flags = controlFlags(executable);
  return [
    ...(asked ? ['-e', `PUPPETEER_EXECUTABLE_PATH=${executable}`] : []),
    ...(flags.length ? ['-e', `CHROMIUM_EXTRA_FLAGS=${flags.join(' ')}`] : []),
  ];
}

/** forward.ts in a container's network namespace: 127.0.0.1:<port> there → the control server. */
export class ControlForwarder {
  private constructor(
    private readonly proc: ReturnType<typeof Bun.spawn>,
    /** The control URL as the page in the container must use it. */
    readonly url: string,
  ) {}

  /** Starts the forwarder for `controlUrl` (ws://<gateway>:<port>/<path>) in `box`'s network namespace. */
  static async start(box: Container, controlUrl: string): Promise<ControlForwarder> {
    const target = new URL(controlUrl);
    const pid = await box.inspect<number>('.State.Pid');
    const proc = Bun.spawn(
      [
        'nsenter',
        '--target',
        String(pid),
        '--net',
        '--',
        process.execPath,
        join(import.meta.dir, 'forward.ts'),
        target.hostname,
        target.port,
      ],
      { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' },
    );
    const reader = proc.stdout.getReader();
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the forwarder in container ${box.id.slice(0, 12)} exited with ${await proc.exited}`);
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    return new ControlForwarder(proc, `ws://127.0.0.1:${text.trim()}${target.pathname}`);
  }

  async stop(): Promise<void> {
    // Its stdin closing is what ends it.
    (this.proc.stdin as import('bun').FileSink).end();
    await this.proc.exited;
  }
}
