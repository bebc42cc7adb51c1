import { t } from 'elysia';
import { SessionName } from '../sessions/model';

export const CallsParams = t.Object({ session: SessionName });
export const RejectCall = t.Object(
  {
    from: t.String({
      pattern: '^\\d{5,20}(@c\\.us|@lid)?$',
      description: 'Who is calling (the call.received event says)',
      error: 'from must be the caller, like 14155550123@c.us',
    }),
    id: t.String({ minLength: 1, maxLength: 200, description: 'The call id (call.received carries it)' }),
  },
  { examples: [{ from: '15550100001@c.us', id: 'ABCDEFGABCDEFGABCDEFGABCDEFG' }] },
);
