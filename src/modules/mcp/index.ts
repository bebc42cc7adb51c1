/**
 * `POST /mcp`: WAHA's Model Context Protocol endpoint, so AI agents can use the service with an
 * API key. The protocol's official SDK over streamable HTTP, stateless: each request gets its
 * own server, whose tools (./tools.ts) act as the request's key.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Elysia, t } from 'elysia';
import { principalOf } from '../../http/api-key';
import { errorResponses } from '../../model';
import { VERSION } from '../../version';
import { type McpServices, registerTools } from './tools';

/** One JSON-RPC 2.0 message (request, notification or response), as MCP sends them. */
const JsonRpcMessage = t.Object(
  {
    jsonrpc: t.Literal('2.0'),
    id: t.Optional(t.Union([t.String(), t.Number(), t.Null()])),
    method: t.Optional(t.String({ maxLength: 200 })),
    params: t.Optional(t.Record(t.String(), t.Unknown())),
    result: t.Optional(t.Unknown()),
    error: t.Optional(t.Unknown()),
  },
  { examples: [{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }] },
);

const JsonRpcError = t.Record(t.String(), t.Unknown(), { description: 'A JSON-RPC error from the protocol layer' });

export const mcpRoutes = (services: McpServices) =>
  new Elysia({ tags: ['Apps'] }).post(
    '/mcp',
    async ({ body, request }) => {
      const server = new McpServer({ name: 'wabun', version: VERSION });
      registerTools(server, services, principalOf(request));
      // Stateless, JSON answers: no session to keep, nothing to stream.
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      try {
        const response = await transport.handleRequest(request, { parsedBody: body });
        return response;
      } finally {
        await server.close();
      }
    },
    {
      body: JsonRpcMessage,
      detail: {
        operationId: 'McpController_post',
        summary: 'Model Context Protocol (streamable HTTP, stateless)',
        description:
          'MCP for AI agents: tools list_sessions, list_chats, read_messages, send_text, check_number, list_groups, ' +
          'each allowed as its HTTP route is for the same key. Send Accept: application/json, text/event-stream.',
        tags: ['Apps'],
      },
      response: {
        200: t.Record(t.String(), t.Unknown(), { description: 'The JSON-RPC answer' }),
        202: t.Void({ description: 'A notification was accepted' }),
        ...errorResponses(400, 401, 403),
        // The SDK's own refusals (no `Accept: application/json, text/event-stream`, another content type) are JSON-RPC errors.
        406: JsonRpcError,
        415: JsonRpcError,
      },
    },
  );
