import { t } from 'elysia';

/** The one error shape every failure is answered with. */
export const ErrorBody = t.Object(
  {
    statusCode: t.Number(),
    error: t.String({ description: 'Reason phrase of the status code' }),
    message: t.String({ description: 'What was wrong and what to do' }),
    details: t.Optional(t.Record(t.String(), t.Unknown())),
    requestId: t.Optional(t.String()),
  },
  { $id: '#/components/schemas/Error' },
);

/** Response entries for the error statuses a route can answer, e.g. `...errorResponses(400, 404)`. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody])) as Record<S, typeof ErrorBody>;
}
