import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';

/** The requests the server answers, by method, each with the SDK's schema for it. */
const requestSchemas = new Map(
  [
    InitializeRequestSchema,
    PingRequestSchema,
    ListToolsRequestSchema,
    CallToolRequestSchema,
    ListResourcesRequestSchema,
    ListResourceTemplatesRequestSchema,
    ReadResourceRequestSchema,
  ].map((schema) => [schema.shape.method.value as string, schema]),
);

/**
 * Answers a request whose params do not fit its method with -32602 (Invalid params), naming each
 * problem, rather than handing it on: the SDK reports its own failure to parse a request as
 * -32603 (Internal error) with the validator's raw dump, which tells a client the server broke.
 * Call after `connect`, which sets the transport's `onmessage`.
 */
export function refuseInvalidParams(transport: Transport): void {
  const deliver = transport.onmessage?.bind(transport);
  transport.onmessage = (message, extra) => {
    const problem = isRequest(message) ? paramsProblem(message) : undefined;
    if (problem === undefined) {
      deliver?.(message, extra);
      return;
    }
    const refusal: JSONRPCMessage = { jsonrpc: '2.0', id: (message as JSONRPCRequest).id, error: { code: ErrorCode.InvalidParams, message: problem } };
    void transport.send(refusal).catch(() => undefined);
  };
}

function isRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message;
}

/** What is wrong with a request's params for its method, or undefined (also for a method the server does not know: the SDK answers those). */
function paramsProblem(request: JSONRPCRequest): string | undefined {
  const schema = requestSchemas.get(request.method);
  const parsed = schema?.safeParse(request);
  if (!parsed || parsed.success) return undefined;
  const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'request'}: ${issue.message}`);
  return `Invalid params for ${request.method}: ${problems.join('; ')}.`;
}
