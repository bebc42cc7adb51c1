/** Groups over a ready whatsapp-web.js client. */
import type { GroupChat } from 'whatsapp-web.js';
import { NotFoundError, UpstreamError } from '../../errors';
import type { GroupCalls, Plain } from '../types';
import { findChat, type WebjsContext } from './context';
import { toPlain, widString } from './mapping';

export class WebjsGroups implements GroupCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async list(): Promise<Plain[]> {
    return (await this.ctx.client.getChats()).filter((c) => c.isGroup).map((c) => groupJson(c as GroupChat));
  }

  async create(name: string, participants: string[]): Promise<Plain> {
    const r = await this.ctx.client.createGroup(name, participants);
    if (typeof r === 'string') throw new UpstreamError(`WhatsApp did not create the group: ${r}`);
    return { ...toPlain(r), id: widString(r.gid) };
  }

  async get(groupId: string): Promise<Plain | null> {
    const chat = await findChat(this.ctx, groupId).catch(() => null);
    return chat?.isGroup ? groupJson(chat as GroupChat) : null;
  }

  async updateParticipants(groupId: string, action: 'add' | 'remove', participants: string[]): Promise<Plain> {
    const chat = await findChat(this.ctx, groupId);
    if (!chat.isGroup) throw new NotFoundError(`'${groupId}' is not a group — list groups with GET /api/{session}/groups.`);
    const g = chat as GroupChat;
    return toPlain(action === 'add' ? await g.addParticipants(participants) : await g.removeParticipants(participants));
  }
}

/** A group chat as JSON, with the getters JSON leaves out (owner, participants, …). */
function groupJson(g: GroupChat): Plain {
  return {
    ...toPlain(g),
    owner: g.owner ?? null,
    createdAt: g.createdAt ?? null,
    description: g.description ?? null,
    participants: toPlain({ p: g.participants ?? [] }).p,
  };
}
