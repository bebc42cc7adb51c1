/**
 * `/ws?session=<name|*>&events=<list|*>`: live event envelopes over WebSocket. Served at the edge
 * (src/http/edge.ts), since the upgrade needs the server's own request; the API key is checked
 * here as on every other route. OpenAPI has no WebSocket operation: /docs describes it as the GET
 * upgrade (src/modules/docs).
 */
import type { ServerWebSocket } from 'bun';
import type { EventFilter, EventHub } from '../../events/hub';
import { parseFilter } from '../../events/hub';
import { eventScope } from '../../http/access';
import { authenticate, type KeyCheck, type KeyResolver, presentedKey } from '../../http/api-key';
import type { UpgradeRoute } from '../../http/edge';
import { errorResponse } from '../../http/errors';
import { queryOf } from '../../http/host';

export interface WsData {
  filter: EventFilter;
  detach?: () => void;
}

/**
 * A key bound to a session sees only that session's events: `session=*` (or none) narrows to
 * it, another session is a 403; a key that may not read (media, control) gets none.
 */
export function wsRoute(hub: EventHub, keyCheck: KeyCheck | null, open: boolean, stored?: KeyResolver | null): UpgradeRoute<WsData> {
  return {
    path: '/ws',
    async upgrade(request, server, target) {
      const principal = keyCheck && !open ? await authenticate(keyCheck, stored, presentedKey(request)) : ({ kind: 'admin' } as const);
      if (!principal) return errorResponse(401, 'Unauthorized');
      const q = new URLSearchParams(queryOf(target));
      const filter = parseFilter({ session: q.get('session') ?? undefined, events: q.get('events') ?? undefined });
      const scope = eventScope(principal);
      if (scope === false) return errorResponse(403, 'This key may not read events.');
      if (scope !== null) {
        if (filter.session !== '*' && filter.session !== scope)
          return errorResponse(403, `This key is bound to session '${scope}' and may not receive the events of '${filter.session}'.`);
        filter.session = scope;
      }
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
