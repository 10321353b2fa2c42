import { resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { clientEnvironment, loadConfig, localEnvironment } from '../config/config.js';
import { createLogger, type Logger } from '../log.js';
import { openReadOnlyServices } from '../read-only-services.js';
import type { Services } from '../services.js';
import { onStopSignals } from '../shared/process-end.js';
import type { PaperSearchBackend } from './backend.js';
import { localBackend } from './local-backend.js';
import { messageLines, type MessageId } from './message-lines.js';
import { createMcpServer, negotiatedVersion } from './mcp-server.js';
import { remoteBackend, serverAccess } from './remote-backend.js';
import { refuseInvalidParams } from './request-checks.js';

/** Where the MCP server finds its papers: an index opened in this process, or a running server. */
export type McpStdioOptions = { index: string; url?: undefined; key?: string | undefined } | { url: string; key?: string | undefined; index?: undefined };

/**
 * The longest message read, in bytes: the server's default limit for a write body
 * (WRITE_MAX_BODY_BYTES), so a write that fits over HTTP fits here.
 */
const maxMessageBytes = 32 * 1024 * 1024;

/**
 * Serves MCP on stdin and stdout until the client closes stdin or a stop signal (SIGINT, SIGTERM, SIGHUP) arrives.
 * With `index`, the model and index are loaded in this process (read-only: writes go through a
 * server, the one owner of an index that takes writes); with `url`, every call is forwarded to
 * that paper-search server, and a `key` offers the write tools. Logs go to stderr, as JSON lines.
 */
export async function runMcpStdio(options: McpStdioOptions, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  // stdout carries the protocol only: whatever a library prints goes to stderr.
  console.log = console.info = console.debug = console.error;
  // Each answer waiting for a full pipe to drain listens for it once; twenty answers in flight are
  // no leak, and Node's warning would be a line on stderr that is not JSON.
  process.stdout.setMaxListeners(0);
  let services: Services | undefined;
  let backend: PaperSearchBackend;
  let log: Logger;
  let writeAccessHint: string;
  if (options.index !== undefined) {
    // Read-only and not listening (see openReadOnlyServices), so keys and a server's settings are not this process's business.
    const config = loadConfig({
      ...localEnvironment(environment),
      INDEX_DIR: resolve(options.index),
    });
    log = createLogger(config.LOG_LEVEL, 'paper-search-mcp', 'stderr');
    if (options.key !== undefined) {
      log.warn(
        'the API key (--key or PAPER_SEARCH_API_KEY) is not used with an index opened here, which is read-only: the write tools need --url and a server',
      );
    }
    services = await openReadOnlyServices(config, log);
    writeAccessHint = 'an index opened here (--index) is read-only; writes go through a server (mcp --url <server> --key <key>)';
    backend = localBackend(services.search);
  } else {
    log = createLogger(loadConfig(clientEnvironment(environment)).LOG_LEVEL, 'paper-search-mcp', 'stderr');
    const access = await serverAccess(options.url, options.key);
    const writes = options.key !== undefined && access !== 'reads only';
    if (access === 'unknown') {
      log.warn(
        { url: options.url },
        `the server could not be asked at start what it allows; each tool call tries it again${writes ? ', and the write tools are offered' : ''}`,
      );
    } else if (options.key !== undefined && !writes) {
      log.warn({ url: options.url }, 'the server takes no writes (it has no API_KEYS); the write tools are not offered');
    }
    writeAccessHint = options.key === undefined ? 'connect with an API key (--key or PAPER_SEARCH_API_KEY)' : 'the server takes no writes (it has no API_KEYS)';
    backend = remoteBackend(options.url, { key: options.key, writes });
  }

  // Known once the transport is connected and the client has initialized (see negotiatedVersion).
  let agreedVersion = () => LATEST_PROTOCOL_VERSION;
  const server = createMcpServer(backend, log, () => agreedVersion(), writeAccessHint);
  // Answered once the transport is there (see refuseOversized); nothing is read before.
  let refuseOversized: (id: MessageId, bytes: number) => void = () => undefined;
  const input = messageLines(process.stdin, { maxLineBytes: maxMessageBytes, onOversized: (id, bytes) => refuseOversized(id, bytes) });
  // Listened for until the end: once they are, a signal no longer ends the process by itself.
  const signalled = new Promise<string>((resolveSignal) => {
    const stopListening = onStopSignals((signal) => {
      stopListening();
      resolveSignal(signal);
    });
  });
  // A client that stops reading is gone: stop as for a signal, the model workers closed before
  // the process exits (exiting under a running model call aborted the process). An answer written
  // after that never completes (the pipe never drains), so the grace for answers ends here too.
  const stdoutClosed = new Promise<string>((resolveClosed) => {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => error.code === 'EPIPE' && resolveClosed('stdout closed'));
  });
  const stopped = Promise.race([
    signalled,
    stdoutClosed,
    new Promise<string>((resolveStop) => {
      server.onclose = () => resolveStop('the client closed the connection');
      // The lines' end, not stdin's: the last line reaches the transport only when they end.
      input.once('end', () => resolveStop('stdin ended'));
    }),
  ]);
  // Lines reach the transport one at a time, none longer than maxMessageBytes.
  const transport = new StdioServerTransport(input, process.stdout, { maxBufferSize: 2 * maxMessageBytes });
  refuseOversized = (id, bytes) => {
    log.warn({ bytes, id }, 'refused a message over the size limit');
    const message = `Invalid request: the message is ${bytes} bytes, over the limit of ${maxMessageBytes} bytes.`;
    void sendRaw(transport, { jsonrpc: '2.0', id, error: { code: ErrorCode.InvalidRequest, message } });
  };
  await server.connect(transport);
  agreedVersion = negotiatedVersion(transport);
  refuseInvalidParams(transport);
  answerUnreadableLines(transport);
  const requests = trackRequests(transport);
  log.info(
    { source: options.index !== undefined ? { index: options.index } : { url: options.url, writes: backend.writes !== undefined } },
    'MCP server on stdio',
  );
  const reason = await stopped;
  // A client that writes its requests and closes stdin (a script piping them in) still gets every
  // answer; a signal, or a client no longer reading, stops at once.
  const gone = Promise.race([signalled, stdoutClosed]).then(() => false);
  if (reason === 'stdin ended' && !(await Promise.race([requests.answered(answerGraceMs), gone]))) {
    log.warn({ unanswered: requests.pending }, 'stdin ended; stopped before every request was answered');
  }
  log.info({ reason }, 'MCP server stopping');
  await server.close();
  await services?.close();
}

/**
 * Answers a line that is not JSON (-32700) or not a JSON-RPC message (-32600) as JSON-RPC 2.0
 * asks, with a null id; the SDK's transport only reports it, and the client would wait forever.
 */
function answerUnreadableLines(transport: StdioServerTransport): void {
  const report = transport.onerror?.bind(transport);
  transport.onerror = (error: Error) => {
    const refusal =
      error instanceof SyntaxError
        ? { code: ErrorCode.ParseError, message: 'Parse error: the line is not JSON.' }
        : error.name === 'ZodError'
          ? { code: ErrorCode.InvalidRequest, message: 'Invalid request: the line is not a JSON-RPC 2.0 request, notification or response.' }
          : undefined;
    if (refusal) void sendRaw(transport, { jsonrpc: '2.0', id: null, error: refusal });
    report?.(error);
  };
}

/** Sends a JSON-RPC error the SDK's types cannot express: they have no null id, which JSON-RPC requires when the request's id cannot be read. */
function sendRaw(transport: StdioServerTransport, message: { jsonrpc: '2.0'; id: MessageId; error: { code: number; message: string } }): Promise<void> {
  return transport.send(message as unknown as JSONRPCMessage).catch(() => undefined);
}

/** How long requests still under way when stdin ends may take to be answered. */
const answerGraceMs = 60_000;

/** The requests a transport has received and not yet answered, and a way to wait for them. */
function trackRequests(transport: StdioServerTransport): { readonly pending: number; answered(timeoutMs: number): Promise<boolean> } {
  const unanswered = new Set<string | number>();
  let onSettled: (() => void) | undefined;
  // Wrapped after connect: the server has set onmessage, and stdin delivers nothing before the next turn.
  const deliver = transport.onmessage?.bind(transport);
  const settle = (id: string | number) => {
    unanswered.delete(id);
    if (unanswered.size === 0) onSettled?.();
  };
  transport.onmessage = (message: JSONRPCMessage) => {
    if ('method' in message && 'id' in message) unanswered.add(message.id);
    // A request the client cancelled gets no answer (the protocol's rule): it is settled.
    else if ('method' in message && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof requestId === 'string' || typeof requestId === 'number') settle(requestId);
    }
    deliver?.(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    await send(message);
    if (!('method' in message) && 'id' in message && message.id !== undefined) settle(message.id);
  };
  return {
    get pending() {
      return unanswered.size;
    },
    answered(timeoutMs) {
      if (unanswered.size === 0) return Promise.resolve(true);
      return new Promise((resolveAnswered) => {
        const timer = setTimeout(() => resolveAnswered(false), timeoutMs);
        onSettled = () => {
          clearTimeout(timer);
          resolveAnswered(true);
        };
      });
    },
  };
}
