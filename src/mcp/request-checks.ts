import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  JSONRPCMessageSchema,
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
    // The SDK's message type has no null id; this one is the request's own.
    const refusal = jsonRpcError((message as JSONRPCRequest).id, ErrorCode.InvalidParams, problem) as JSONRPCMessage;
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

/**
 * The answer to a POST body that is not something the SDK can take: an empty batch (JSON-RPC 2.0
 * answers it with one error; the SDK answered nothing); a batch holding something that is not a
 * JSON-RPC message (the SDK called the whole batch a parse error, -32700), or two requests with
 * one id (the SDK ran both and answered one, so a write went unacknowledged): none of such a
 * batch is run; or a single message that is JSON but not JSON-RPC (the SDK called it a parse
 * error, -32700, and dropped its id). Undefined otherwise.
 */
export function refusalOfBody(body: unknown): JsonRpcError | undefined {
  if (Array.isArray(body)) return refusalOfBatch(body);
  if (JSONRPCMessageSchema.safeParse(body).success) return undefined;
  const id = (body as { id?: unknown } | null)?.id;
  return jsonRpcError(
    typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : null,
    ErrorCode.InvalidRequest,
    'Invalid request: the body is not a JSON-RPC 2.0 request, notification or response.',
  );
}

function refusalOfBatch(batch: readonly unknown[]): JsonRpcError | undefined {
  const refuse = (why: string) => jsonRpcError(null, ErrorCode.InvalidRequest, `Invalid request: ${why}; nothing in it was run.`);
  if (batch.length === 0) return jsonRpcError(null, ErrorCode.InvalidRequest, 'Invalid request: an empty batch.');
  const ids = new Set<unknown>();
  for (const [position, message] of batch.entries()) {
    if (!JSONRPCMessageSchema.safeParse(message).success)
      return refuse(`message ${position} of the batch is not a JSON-RPC 2.0 request, notification or response`);
    if (!('method' in (message as object)) || !('id' in (message as object))) continue;
    const { id } = message as { id: unknown };
    if (ids.has(id)) return refuse(`two requests of the batch have the id ${JSON.stringify(id)}, and each needs its own`);
    ids.add(id);
  }
  return undefined;
}

export interface JsonRpcError {
  jsonrpc: '2.0';
  /** Null when the request's id cannot be read, as JSON-RPC 2.0 asks. */
  id: string | number | null;
  error: { code: number; message: string };
}

export function jsonRpcError(id: string | number | null, code: number, message: string): JsonRpcError {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
