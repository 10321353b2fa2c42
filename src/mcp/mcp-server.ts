import { setImmediate } from 'node:timers/promises';
import { createRequire } from 'node:module';
// The low-level Server, not McpServer: McpServer validates tool arguments itself and reports a
// failure in its own words, where these tools answer with the HTTP API's error codes and paths.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolRequest,
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { PaperSearchBackend } from './backend.js';
import { paperIdOfUri, paperUri, renderPaper } from './render.js';
import { parseArguments, toolErrorBody } from './tool-errors.js';
import { AppError, invalidInput } from '../errors.js';
import { listPapersQuerySchema } from '../http/schemas.js';
import { parseInput } from '../shared/zod-issues.js';
import type { SearchMode } from '../search/search-modes.js';
import { tools } from './tools.js';

const require = createRequire(import.meta.url);
const packageVersion = (require('../../package.json') as { version: string }).version;

/** Papers per page of resources/list. */
const resourcePageSize = 100;

/**
 * resources/list's params, with the cursor rule of GET /v1/papers: checked here, before either
 * backend, an empty or overlong cursor gets the API's own words (not "not issued by this index"
 * from an index, nor the REST query's path from a server).
 */
const resourceListParams = z.object({ cursor: listPapersQuerySchema.shape.cursor });

/** JSON-RPC error code MCP gives a resource that does not exist. */
const resourceNotFound = -32002;

const instructions =
  'paper-search: semantic search over one collection of scientific papers (titles, abstracts and metadata, not full texts). ' +
  'Start with search_papers; follow up with get_paper, related_papers or recommend_papers using the ids it returns. ' +
  'cite_papers writes their citations (BibTeX, RIS or CSL-JSON) for a bibliography. ' +
  'collection_stats tells what the collection holds. Each paper is also a resource, paper://{id}.';

/** A zod schema as the JSON Schema (draft-07, as the SDK publishes its own) a client validates with. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest as Tool['inputSchema'];
}

/**
 * Each tool as tools/list shows it to the clients of a server with this default search mode,
 * made once: the HTTP endpoint makes a server per request.
 */
const listings = new Map<string, Tool>();
function toolListing(tool: (typeof tools)[number], defaultMode: SearchMode): Tool {
  const key = `${defaultMode} ${tool.name}`;
  let listing = listings.get(key);
  if (!listing) {
    listing = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: jsonSchema(tool.listedInput?.(defaultMode) ?? tool.input, 'input'),
      outputSchema: jsonSchema(tool.output, 'output'),
      annotations: { title: tool.title, ...tool.hints },
    };
    listings.set(key, listing);
  }
  return listing;
}

/**
 * The mode a search without `mode` gets, as the tool listings describe it. A server that cannot
 * be asked (`mcp --url` before it answers) is described with SEARCH_MODE's own default: the
 * tools must still be listed, and each call then says why it fails.
 */
async function listedDefaultMode(backend: PaperSearchBackend, log: Logger): Promise<SearchMode> {
  try {
    return await backend.defaultMode();
  } catch (error) {
    log.warn({ err: error }, 'the default search mode could not be read; the tools are described with hybrid');
    return 'hybrid';
  }
}

/**
 * The first protocol version with resource links in tool results, structured tool output and
 * output schemas: a client that agreed on an older one has no such types, and the SDK clients of
 * those versions reject a result that holds a resource link.
 */
const structuredOutputVersion = '2025-06-18';

/** Whether a negotiated protocol version (a date, YYYY-MM-DD) defines structured tool output. */
function hasStructuredOutput(protocolVersion: string): boolean {
  return protocolVersion >= structuredOutputVersion;
}

/**
 * An MCP server over a paper-search backend: the tools (the write tools only when the backend
 * takes writes) and every paper as a resource, `paper://<id>`. Tool failures are tool results
 * with `isError` and the API's error body as text; no input makes a handler throw past this.
 * `protocolVersion` is the version the client agreed on (see negotiatedVersion): a client of an
 * older version gets tool results and listings without what that version does not define.
 */
export function createMcpServer(
  backend: PaperSearchBackend,
  log: Logger,
  protocolVersion: () => string,
  /** What a client calling a write tool it was not offered should do, or why it cannot. */
  writeAccessHint = 'connect with an API key',
  /**
   * Runs at most `limit` tool calls of this server (made for one HTTP request: a batch) at once,
   * other requests answered between them: all at once, a batch of 100 heavy calls keeps the
   * server's other clients waiting (a health check 0.7 s; 4.7 s under eight such batches). Calls
   * still waiting when `signal` aborts (the client left) are not run. Once the answers of its
   * calls hold `answerChars` characters of text, a call not yet run is refused instead (see
   * answerBudget).
   */
  callsAtOnce?: { limit: number; signal?: AbortSignal; answerChars?: number },
): Server {
  const offered = tools.filter((tool) => !tool.writes || backend.writes !== undefined);
  const byName = new Map(offered.map((tool) => [tool.name, tool]));

  const server = new Server({ name: 'paper-search', version: packageVersion }, { capabilities: { tools: {}, resources: {} }, instructions });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const defaultMode = await listedDefaultMode(backend, log);
    const listed = offered.map((tool) => toolListing(tool, defaultMode));
    return { tools: hasStructuredOutput(protocolVersion()) ? listed : listed.map(({ outputSchema: _output, ...listing }) => listing) };
  });

  const inTurn = callsAtOnce ? takingTurns(callsAtOnce.limit, callsAtOnce.signal) : <T>(task: () => Promise<T>) => task();
  const budget = answerBudget(callsAtOnce?.answerChars);
  server.setRequestHandler(CallToolRequestSchema, (request) => inTurn(() => callTool(request)));

  async function callTool(request: CallToolRequest): Promise<CallToolResult> {
    const tool = byName.get(request.params.name);
    if (!tool) {
      const writeTool = tools.some((known) => known.name === request.params.name && known.writes);
      throw new RequestFailure(
        ErrorCode.InvalidParams,
        writeTool ? `The tool ${request.params.name} is offered only to clients that may write: ${writeAccessHint}.` : `Unknown tool: ${request.params.name}.`,
      );
    }
    try {
      budget.check();
      const answer = await tool.run(backend, parseArguments(tool.input, request.params.arguments));
      // An empty file (cite_papers finding none of the papers) would be a blank first block before its note.
      const texts = answer.text === '' && answer.notes !== undefined ? answer.notes : [answer.text, ...(answer.notes ?? [])];
      budget.spend(texts);
      const content = texts.map((text) => ({ type: 'text' as const, text }));
      if (!hasStructuredOutput(protocolVersion())) return { content };
      return { content: [...content, ...(answer.links ?? [])], structuredContent: answer.structured as Record<string, unknown> };
    } catch (error) {
      return { isError: true, content: [{ type: 'text', text: JSON.stringify(toolErrorBody(error, log)) }] };
    }
  }

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: 'paper://{id}',
        name: 'paper',
        title: 'A paper of the collection',
        description: 'One paper as Markdown: title, authors, date, identifiers, categories and abstract. {id} is the paper id, percent-encoded.',
        mimeType: 'text/markdown',
      },
    ],
  }));

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const page = await failAsMcpError(() => {
      const { cursor } = parseInput(resourceListParams, { cursor: request.params?.cursor }, 'params');
      return backend.listPapers(cursor, resourcePageSize);
    }, log);
    return {
      resources: page.papers.map((paper) => ({
        uri: paperUri(paper.id),
        name: paper.id,
        ...(paper.title ? { title: paper.title } : {}),
        mimeType: 'text/markdown',
      })),
      ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor }),
    };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    const id = paperIdOfUri(uri);
    // Through failAsMcpError, as a bad cursor is: -32602 with the API's error body as data, naming params.uri.
    const paper = await failAsMcpError(async () => {
      if (id === undefined)
        throw invalidInput(`Not a paper URI: ${uri} (expected paper://<id>).`, [
          { path: 'uri', message: 'expected paper://<id>, the id percent-encoded', code: 'invalid_format' },
        ]);
      return backend.paper(id);
    }, log);
    return { contents: [{ uri: request.params.uri, mimeType: 'text/markdown', text: renderPaper(paper) }] };
  });

  return server;
}

/** Resource requests fail as JSON-RPC errors (MCP has no error result for them), carrying the API's error body as data. */
async function failAsMcpError<T>(task: () => Promise<T>, log: Logger): Promise<T> {
  try {
    return await task();
  } catch (error) {
    const body = toolErrorBody(error, log, 'params');
    const code =
      body.error.code === 'paper_not_found' ? resourceNotFound : body.error.code === 'invalid_input' ? ErrorCode.InvalidParams : ErrorCode.InternalError;
    throw new RequestFailure(code, body.error.message, body.error);
  }
}

/**
 * A JSON-RPC error answer: the SDK sends a thrown error's code, message and data as they are. Its
 * own McpError puts "MCP error <code>: " into the message, and SDK clients add that prefix again
 * when they read the answer, so clients showed it twice.
 */
class RequestFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/**
 * The protocol version a transport's client agreed on, as the SDK's server answers `initialize`
 * (the client's version when supported, else the latest), for a transport that carries one
 * session (stdio). Call after `connect`, which sets the transport's `onmessage`.
 */
export function negotiatedVersion(transport: Transport): () => string {
  let version = LATEST_PROTOCOL_VERSION;
  const deliver = transport.onmessage?.bind(transport);
  transport.onmessage = (message, extra) => {
    if ('method' in message && message.method === 'initialize') {
      const requested = (message.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
      version = typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
    }
    deliver?.(message, extra);
  };
  return () => version;
}

/**
 * The characters of text the tool answers of one server (one HTTP request) have used, against
 * `limit`. The SDK encodes a batch's answers as one JSON text, on the main thread, once every call
 * has answered: 100 cite_papers calls of 100 papers each (18 MB) held every other request about a
 * second. Past the limit, a call is refused (invalid_input) without being run; the calls already
 * running may take the answer a few calls past it.
 */
function answerBudget(limit: number | undefined): { check(): void; spend(texts: readonly string[]): void } {
  let used = 0;
  return {
    check() {
      if (limit === undefined || used < limit) return;
      throw invalidInput(
        `The answers of this batch already hold ${used.toLocaleString('en-US')} characters (at most ${limit.toLocaleString('en-US')}): send this call in another request.`,
        [{ path: 'params', message: 'the batch answers too much', code: 'too_big' }],
      );
    },
    spend(texts) {
      for (const text of texts) used += text.length;
    },
  };
}

/**
 * Runs tasks `limit` at a time, each started on a turn of the event loop after one ended; once
 * `signal` aborts, the tasks still waiting are refused client_closed_request.
 */
function takingTurns(limit: number, signal?: AbortSignal): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A task that ends hands its place to the first waiting, so none starts past the limit.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      if (signal?.aborted) throw new AppError('client_closed_request');
      return await task();
    } finally {
      const first = waiting.shift();
      if (first) void setImmediate().then(first);
      else running--;
    }
  };
}
