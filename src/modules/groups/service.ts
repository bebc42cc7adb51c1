import type { Clients } from '../../engine/types';
import { NotFoundError } from '../../errors';

const ids = (list: { id: string }[]) => list.map((p) => p.id);

/** Groups of a session's account and their participants. */
export class GroupsService {
  constructor(private readonly clients: Clients) {}

  list(session: string) {
    return this.clients.client(session).groups.list();
  }

  create(session: string, name: string, participants: { id: string }[]) {
    return this.clients.client(session).groups.create(name, ids(participants));
  }

  async get(session: string, id: string) {
    const group = await this.clients.client(session).groups.get(id);
    if (!group) throw new NotFoundError(`Group '${id}' not found in session '${session}'.`);
    return group;
  }

  participants(session: string, id: string, action: 'add' | 'remove', participants: { id: string }[]) {
    return this.clients.client(session).groups.updateParticipants(id, action, ids(participants));
  }
}
