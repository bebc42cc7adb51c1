/** Schemas of the label routes (WAHA's LabelsController). Types come from these, never in parallel. */
import { t } from 'elysia';
import { LABEL_COLORS } from '../../engine/types';
import { requestBody } from '../../model';
import { ChatId } from '../messages/model';
import { SessionName } from '../sessions/model';

const LabelIdString = t.String({
  pattern: '^[0-9A-Za-z_-]{1,40}$',
  description: 'Label id, e.g. 1',
  examples: ['1'],
  error: 'labelId must be a label id like 1 (GET /api/{session}/labels lists them)',
});

export const LabelsParams = t.Object({ session: SessionName });
export const LabelParams = t.Object({ session: SessionName, labelId: LabelIdString });
export const ChatLabelsParams = t.Object({ session: SessionName, chatId: ChatId });

export const Label = t.Object(
  {
    id: t.String({ examples: ['1'], description: 'Label ID' }),
    name: t.String({ examples: ['Lead'], description: 'Label name' }),
    color: t.Integer({ examples: [0], description: "Color number: the index into WhatsApp's label palette" }),
    colorHex: t.String({ examples: ['#ff9485'], description: 'Color in hex' }),
  },
  { $id: '#/components/schemas/Label' },
);

export const LabelBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 100, description: 'Label name' }),
    colorHex: t.Optional(
      t.Union(
        LABEL_COLORS.map((c) => t.Literal(c)),
        {
          description: `Color in hex, one of WhatsApp's ${LABEL_COLORS.length}`,
          error: `colorHex must be one of ${LABEL_COLORS.join(', ')}`,
        },
      ),
    ),
    color: t.Optional(
      t.Integer({
        minimum: 0,
        maximum: LABEL_COLORS.length - 1,
        description: 'Color number, not hex (give color or colorHex)',
        error: `color must be a palette index 0–${LABEL_COLORS.length - 1}`,
      }),
    ),
  },
  requestBody('LabelBody', { name: 'Lead', colorHex: '#ff9485' }),
);

export const SetLabels = t.Object(
  {
    labels: t.Array(t.Object({ id: LabelIdString }), {
      maxItems: 20,
      description: "The chat's labels from now on (an empty list clears them)",
    }),
  },
  requestBody('SetLabelsRequest', { labels: [{ id: '1' }] }),
);

export const DeleteResult = t.Object({ result: t.Boolean() });
/** whatsapp-web.js's chat object as WAHA returns it. */
export const LabelChat = t.Record(t.String(), t.Unknown(), { description: 'whatsapp-web.js chat object' });
