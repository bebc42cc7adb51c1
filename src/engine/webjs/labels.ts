/**
 * WhatsApp Business labels over a ready whatsapp-web.js client: reading and putting labels on
 * chats through the library, creating, editing and deleting through WhatsApp Web's label editor
 * (./labels-page.ts). Labels exist on business accounts only.
 */
import type { Label as LibLabel } from 'whatsapp-web.js';
import { NotFoundError, UnprocessableError } from '../../errors';
import { LABEL_COLORS, type Label, type LabelCalls, type Plain } from '../types';
import { findChat, type WebjsContext } from './context';
import { LABEL_ADD, LABEL_DELETE, LABEL_EDIT } from './labels-page';
import { toPlain } from './mapping';

/** WhatsApp Business runs on these platforms (`Conn.platform`); the library's addOrRemoveLabels checks the same. */
const BUSINESS_PLATFORMS = ['smba', 'smbi'];

/**
 * The library keeps a label's `hexColor` and drops the palette index WhatsApp Web holds; the
 * index is the colour's place in WhatsApp's palette.
 */
export function toLabel(l: Pick<LibLabel, 'id' | 'name' | 'hexColor'>): Label {
  const color = Math.max(0, LABEL_COLORS.indexOf(String(l.hexColor).toLowerCase()));
  return { id: String(l.id), name: l.name, color, colorHex: LABEL_COLORS[color]! };
}

export class WebjsLabels implements LabelCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async list(): Promise<Label[]> {
    return (await this.ctx.client.getLabels()).map(toLabel);
  }

  async get(labelId: string): Promise<Label | null> {
    return (await this.list()).find((l) => l.id === labelId) ?? null;
  }

  async create(name: string, color: number): Promise<Label> {
    requireBusiness(this.ctx);
    const id = await pageOf(this.ctx).evaluate(LABEL_ADD, name, color);
    return (await this.get(id)) ?? { id, name, color, colorHex: LABEL_COLORS[color]! };
  }

  async update(label: Label): Promise<Label> {
    requireBusiness(this.ctx);
    await pageOf(this.ctx).evaluate(LABEL_EDIT, label.id, label.name, label.color);
    return (await this.get(label.id)) ?? label;
  }

  async delete(label: Label): Promise<void> {
    requireBusiness(this.ctx);
    await pageOf(this.ctx).evaluate(LABEL_DELETE, label.id, label.name, label.color);
  }

  async chatLabels(chatId: string): Promise<Label[]> {
    await findChat(this.ctx, chatId);
    return (await this.ctx.client.getChatLabels(chatId)).map(toLabel);
  }

  async setChatLabels(chatId: string, labelIds: string[]): Promise<void> {
    requireBusiness(this.ctx);
    await findChat(this.ctx, chatId);
    // The library silently skips ids it does not know: say which instead.
    const known = new Set((await this.list()).map((l) => l.id));
    const unknown = labelIds.filter((id) => !known.has(id));
    if (unknown.length)
      throw new NotFoundError(`No label ${unknown.map((id) => `'${id}'`).join(', ')} — list them with GET /api/{session}/labels.`);
    await this.ctx.client.addOrRemoveLabels(labelIds, [chatId]);
  }

  async chats(labelId: string): Promise<Plain[] | null> {
    // For an unknown id the library's page code fails on `undefined` (a TypeError): ask first.
    if (!(await this.get(labelId))) return null;
    return (await this.ctx.client.getChatsByLabelId(labelId)).map(toPlain);
  }
}

// Helpers live outside the class: guarded() (client.ts) wraps every method of it as a call.
function pageOf(ctx: WebjsContext) {
  const page = ctx.client.pupPage;
  if (!page) throw new UnprocessableError('WhatsApp Web is not loaded.');
  return page;
}

function requireBusiness(ctx: WebjsContext): void {
  const platform = (ctx.client.info as unknown as { platform?: string } | undefined)?.platform;
  if (!BUSINESS_PLATFORMS.includes(platform ?? ''))
    throw new UnprocessableError('Labels need a WhatsApp Business account; this session is linked to a personal WhatsApp account.');
}
