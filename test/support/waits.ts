/** Waiting on the service's own signals (a status, a bus event, a decoded QR), bounded, never sleeping. */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { BusEvent, EventBus } from '../../src/events/bus';
import type { SessionStatus } from '../../src/modules/sessions/model';
import type { SessionManager } from '../../src/modules/sessions/service';

/** Resolves once the session has `status`; fails after `ms` naming the status it had. */
export async function reach(manager: SessionManager, name: string, status: SessionStatus, ms = 5000): Promise<void> {
  const got = await manager.waitForStatus(name, [status], ms);
  if (got !== status) throw new Error(`session '${name}' is ${got} after ${ms} ms, expected ${status}`);
}

/** Resolves with the next bus event that `match`es; fails after `ms`. Subscribe before acting. */
export function nextEvent(bus: EventBus, match: (e: BusEvent) => boolean, ms = 5000): Promise<BusEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${ms} ms`));
    }, ms);
    const off = bus.subscribe((e) => {
      if (match(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

/** The next `session.status` event of `name` with `status`. */
export const nextStatus = (bus: EventBus, name: string, status: SessionStatus, ms = 5000) =>
  nextEvent(bus, (e) => e.session === name && e.event === 'session.status' && (e.payload as { status: string }).status === status, ms);

/** Decodes the QR in a PNG back to its text (jsQR over pngjs), null when none is found. */
export function decodeQrPng(bytes: Uint8Array): string | null {
  const png = PNG.sync.read(Buffer.from(bytes));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}
