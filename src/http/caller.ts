import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { EmbedRequestOptions } from '../embedding/embed-scheduler.js';
import type { ApiKeys } from './auth.js';
import { whenAnswerDone } from './answer-done.js';

/**
 * Who is calling, for fairness and rate limits: the API key it presents if it is a configured one
 * (as a digest prefix, never the key), or else its address (the client's own, or the one a
 * trusted proxy reports: TRUST_PROXY). A key is checked first because reads may be open: were any
 * token a client of its own, a made-up token per request would escape the rate limit and take a
 * new turn in the model's queue. Bounded in length, safe as a metric or log label.
 */
function clientIdOf(request: Request, apiKeys: ApiKeys): string {
  const key = knownKeyOf(request, apiKeys);
  if (key !== undefined) return `key:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  // An IPv6 client owns a whole subnet: its addresses count as one (express-rate-limit's rule).
  return `ip:${ipKeyGenerator(request.ip ?? request.socket.remoteAddress ?? 'unknown')}`;
}

/** The bearer key the request presents, if it is a configured one. */
function knownKeyOf(request: Request, apiKeys: ApiKeys): string | undefined {
  const bearer = /^Bearer[ \t]+(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
  return bearer !== undefined && apiKeys.isKnown(bearer) ? bearer : undefined;
}

/**
 * Records, as each request arrives, who it is from, until when an answer is of use, and a signal
 * aborted if its client hangs up first (its model work still queued is then dropped: clients that
 * time out and retry would otherwise have the model compute every abandoned try).
 */
export function attachCaller(requestTimeoutMs: number, apiKeys: ApiKeys): RequestHandler {
  return (request, response, next) => {
    // Made when first asked for: most requests (related, get, health) never wait for the model.
    let hungUp: AbortController | undefined;
    const signalOf = (): AbortSignal => {
      if (hungUp) return hungUp.signal;
      const controller = new AbortController();
      hungUp = controller;
      if (response.destroyed) controller.abort();
      else whenAnswerDone(request.socket, response, () => response.writableFinished || controller.abort());
      return controller.signal;
    };
    response.locals.caller = {
      client: clientIdOf(request, apiKeys),
      deadline: performance.now() + requestTimeoutMs,
      get signal() {
        return signalOf();
      },
    } satisfies Required<Omit<EmbedRequestOptions, 'alone'>>;
    next();
  };
}

/** Whether the request presents one of the configured API keys (what writes need). */
export function presentsKnownKey(response: Response): boolean {
  return callerOf(response).client.startsWith('key:');
}

/** The caller recorded by attachCaller. */
export function callerOf(response: Response): Required<EmbedRequestOptions> {
  return response.locals.caller as Required<EmbedRequestOptions>;
}
