/**
 * The WhatsAppClient of a ready whatsapp-web.js client: one object per feature. Every call goes
 * through `guarded`: an error that is not already one of ours (a 404 the lookup raised, say) is a
 * failure inside WhatsApp Web or the library, answered as 502 with the call that failed.
 */
import type { Client } from 'whatsapp-web.js';
import { HttpError, UpstreamError } from '../../errors';
import type { WhatsAppClient } from '../types';
import { WebjsCalls } from './calls';
import { WebjsChannels } from './channels';
import { WebjsChats } from './chats';
import { PROFILE_PICTURES } from './chats-page';
import { WebjsContacts } from './contacts';
import type { Lib, WebjsContext } from './context';
import type { MessageEvents } from './events';
import { WebjsGroups } from './groups';
import { WebjsLabels } from './labels';
import { WebjsMessages } from './messages';
import { WebjsProfile } from './my-profile';
import { PictureCache } from './pictures';
import { WebjsPresence } from './presence';
import { WebjsStatus } from './status';

/**
 * A view of `target` whose every method turns a foreign error into an UpstreamError naming the
 * call. The methods run on `target` itself, so a method calling another (sendText calling a
 * shared send) reaches the unwrapped one and the error names the call the service made.
 */
export function guarded<T extends object>(feature: string, target: T): T {
  const view: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
    const fn = (target as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof fn !== 'function') continue;
    view[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new UpstreamError(`WhatsApp Web call ${feature}.${name} failed: ${reasonOf(err)}`, { call: `${feature}.${name}` });
      }
    };
  }
  return view as T;
}

/**
 * What went wrong, in one line. An error thrown inside the page reaches us through puppeteer with
 * the page's stack frames appended to its message when it was created in another task than the
 * one that threw (docs/runtime-facts.md): those frames are page internals, not the reason.
 */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim() || (err instanceof Error ? err.name : 'unknown error');
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
    presence: guarded('presence', new WebjsPresence(ctx)),
    profile: guarded('profile', new WebjsProfile(ctx)),
    status: guarded('status', new WebjsStatus(ctx)),
    calls: guarded('calls', new WebjsCalls(ctx)),
  };
}
