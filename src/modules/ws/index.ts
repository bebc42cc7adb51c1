import { Elysia } from 'elysia';
import { WsQuery } from './model';
import { type EventHub, parseFilter } from './service';

/**
 * `/ws?session=<name|*>&events=<list|*>`: live event envelopes. The API key is checked by the
 * app's `onRequest`, which runs for the upgrade request too (test/ws.test.ts holds that).
 */
export const wsRoutes = (hub: EventHub) => {
  const detach = new WeakMap<object, () => void>();
  return new Elysia({ tags: ['Events'] }).ws('/ws', {
    query: WsQuery,
    // OpenAPI has no WebSocket operation: /ws is described as the GET upgrade in src/modules/docs.
    detail: { hide: true },
    // A bad filter is refused before the upgrade, with the 400 that lists the known events.
    beforeHandle: ({ query }) => {
      parseFilter(query);
    },
    open(ws) {
      // Elysia's type of the raw socket omits getBufferedAmount; Bun's ServerWebSocket has it.
      const raw = ws.raw as unknown as Bun.ServerWebSocket<unknown>;
      detach.set(ws.raw, hub.add(raw, parseFilter(ws.data.query)));
    },
    close(ws) {
      detach.get(ws.raw)?.();
    },
  });
};
