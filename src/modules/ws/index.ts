/**
 * `/ws?session=<name|*>&events=<list|*>`: live event envelopes over WebSocket. Served at the edge
 * (src/http/edge.ts), since the upgrade needs the server's own request; the API key is checked
 * here as on every other route. OpenAPI has no WebSocket operation: /docs describes it as the GET
 * upgrade (src/modules/docs).
 */
import type { ServerWebSocket } from 'bun';
import type { EventFilter, EventHub } from '../../events/hub';
import { parseFilter } from '../../events/hub';
import { type KeyCheck, presentedKey } from '../../http/api-key';
import type { UpgradeRoute } from '../../http/edge';
import { errorResponse } from '../../http/errors';
import { queryOf } from '../../http/host';

export interface WsData {
  filter: EventFilter;
  detach?: () => void;
}

export function wsRoute(hub: EventHub, keyCheck: KeyCheck | null, open: boolean): UpgradeRoute<WsData> {
  return {
    path: '/ws',
    upgrade(request, server, target) {
      if (keyCheck && !open && !keyCheck.verify(presentedKey(request))) return errorResponse(401, 'Unauthorized');
      const q = new URLSearchParams(queryOf(target));
      const filter = parseFilter({ session: q.get('session') ?? undefined, events: q.get('events') ?? undefined });
      if (!server.upgrade(request, { data: { filter } })) return errorResponse(400, 'Expected a WebSocket upgrade request.');
      return undefined;
    },
    websocket: {
      open(ws: ServerWebSocket<WsData>) {
        ws.data.detach = hub.add(ws, ws.data.filter);
      },
      close(ws: ServerWebSocket<WsData>) {
        ws.data.detach?.();
      },
      message() {
        // Clients only listen; what they send is ignored.
      },
    },
  };
}
