/**
 * The WhatsAppClient of a ready whatsapp-web.js client: one object per feature. Every call goes
 * through `guarded`: an error that is not already one of ours (a 404 the lookup raised, say) is a
 * failure inside WhatsApp Web or the library, answered as 502 with the call that failed.
 */
import type { Client } from 'whatsapp-web.js';
import { HttpError, UpstreamError } from '../../errors';
import type { WhatsAppClient } from '../types';
import { WebjsChannels } from './channels';
import { WebjsChats } from './chats';
import { PROFILE_PICTURES } from './chats-page';
import { WebjsContacts } from './contacts';
import type { Lib, WebjsContext } from './context';
import type { MessageEvents } from './events';
import { WebjsGroups } from './groups';
import { WebjsLabels } from './labels';
import { WebjsMessages } from './messages';
import { PictureCache } from './pictures';

/** `target` with every method wrapped so that a foreign error becomes an UpstreamError naming the call. */
function guarded<T extends object>(feature: string, target: T): T {
  const proto = Object.getPrototypeOf(target) as object;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const fn = (target as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof fn !== 'function') continue;
    Object.defineProperty(target, name, {
      value: async (...args: unknown[]) => {
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (err) {
          if (err instanceof HttpError) throw err;
          const reason = err instanceof Error ? err.message : String(err);
          throw new UpstreamError(`WhatsApp Web call ${feature}.${name} failed: ${reason}`, { call: `${feature}.${name}` });
        }
      },
    });
  }
  return target;
}

export function createWebjsClient(client: Client, lib: Lib, events: MessageEvents): WhatsAppClient {
  const pictures = new PictureCache(async (ids) => {
    const page = client.pupPage;
    if (!page) return ids.map(() => null);
    const urls = await page.evaluate(PROFILE_PICTURES, ids);
    return urls;
  });
  const ctx: WebjsContext = { client, lib, events, pictures };
  return {
    messages: guarded('messages', new WebjsMessages(ctx)),
    chats: guarded('chats', new WebjsChats(ctx)),
    contacts: guarded('contacts', new WebjsContacts(ctx)),
    groups: guarded('groups', new WebjsGroups(ctx)),
    labels: guarded('labels', new WebjsLabels(ctx)),
    channels: guarded('channels', new WebjsChannels(ctx)),
  };
}
