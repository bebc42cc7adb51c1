import { type Clients, LABEL_COLORS } from '../../engine/types';
import { NotFoundError, UnprocessableError } from '../../errors';
import type { LabelBody } from './model';

/** WhatsApp Business holds at most this many labels. */
export const MAX_LABELS = 20;

/** A label body's colour as the palette index: `color` or `colorHex`, exactly one (WAHA's rule). */
function colorOf(body: typeof LabelBody.static): number {
  if (body.color != null && body.colorHex != null) throw new UnprocessableError("Use either 'color' or 'colorHex', not both.");
  if (body.color != null) return body.color;
  if (body.colorHex != null) return LABEL_COLORS.indexOf(body.colorHex);
  throw new UnprocessableError("'color' or 'colorHex' is required.");
}

const notFound = (labelId: string) => new NotFoundError(`Label '${labelId}' not found — list them with GET /api/{session}/labels.`);

/** WhatsApp Business labels of a session's account and the chats they are on. */
export class LabelsService {
  constructor(private readonly clients: Clients) {}

  list(session: string) {
    return this.clients.client(session).labels.list();
  }

  async create(session: string, body: typeof LabelBody.static) {
    const labels = this.clients.client(session).labels;
    const color = colorOf(body);
    const all = await labels.list();
    if (all.length >= MAX_LABELS) throw new UnprocessableError(`WhatsApp Business allows at most ${MAX_LABELS} labels; delete one first.`);
    this.unique(all, body.name);
    return await labels.create(body.name, color);
  }

  async update(session: string, labelId: string, body: typeof LabelBody.static) {
    const labels = this.clients.client(session).labels;
    const color = colorOf(body);
    const all = await labels.list();
    const label = all.find((l) => l.id === labelId);
    if (!label) throw notFound(labelId);
    this.unique(
      all.filter((l) => l.id !== labelId),
      body.name,
    );
    return await labels.update({ ...label, name: body.name, color, colorHex: LABEL_COLORS[color]! });
  }

  async delete(session: string, labelId: string) {
    const labels = this.clients.client(session).labels;
    const label = await labels.get(labelId);
    if (!label) throw notFound(labelId);
    await labels.delete(label);
    return { result: true };
  }

  chatLabels(session: string, chatId: string) {
    return this.clients.client(session).labels.chatLabels(chatId);
  }

  async setChatLabels(session: string, chatId: string, labels: { id: string }[]) {
    await this.clients.client(session).labels.setChatLabels(
      chatId,
      labels.map((l) => l.id),
    );
  }

  async chats(session: string, labelId: string) {
    const chats = await this.clients.client(session).labels.chats(labelId);
    if (!chats) throw notFound(labelId);
    return chats;
  }

  private unique(labels: { id: string; name: string }[], name: string): void {
    const same = labels.find((l) => l.name === name);
    if (same) throw new UnprocessableError(`Label with '${same.name}' already exists, id: ${same.id}`);
  }
}
