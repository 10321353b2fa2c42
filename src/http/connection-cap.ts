import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';
import { whenAnswerDone } from './answer-done.js';

export interface ConnectionCapOptions {
  /** Connections held at once (see connectionLimit). */
  limit: number;
  /** How long a connection may stay without sending a byte. */
  silentTimeoutMs: number;
  /** A connection closed to keep within the limit. */
  onDrop(): void;
}

/** How often connections are checked for silence, at most. */
const sweepIntervalMs = 5_000;
/**
 * How long a connection may be silent before a newcomer may take its place: a client connects,
 * then sends, and one that had just connected could lose its place to a flood of connections.
 */
const evictableAfterMs = 1_000;

/**
 * Holds the server to `limit` connections, and closes connections that send nothing. Node times
 * a request out only from its first byte, and its own cap (maxConnections) refuses whoever comes
 * next: 200 connections that sent nothing held a server capped at 200 for as long as they stayed
 * open, and every other client was turned away. Here a connection silent for `silentTimeoutMs`
 * is closed, and one arriving at the limit takes the place of the oldest connection that has not
 * sent a byte in a second (it has no request to lose); when there is none, of a connection of
 * the client holding the most, if that is more than the newcomer's holds: its oldest without a
 * request under way, or, if it holds an eighth of the limit or more (a flood: 200 connections
 * from one address trickling request bodies would hold every other client out for the whole
 * request timeout), its oldest. Else the newcomer is closed. The count of either is `onDrop`.
 * Clients are told apart by address, IPv6 ones by their /56 (one host has many addresses).
 */
export function capConnections(server: Server, options: ConnectionCapOptions): void {
  // Insertion order is arrival order: the first silent one found is the oldest.
  const arrivals = new Map<Socket, number>();
  const byAddress = new Map<string, Set<Socket>>();
  const requestsUnderWay = new Map<Socket, number>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    requestsUnderWay.set(socket, (requestsUnderWay.get(socket) ?? 0) + 1);
    whenAnswerDone(socket, response, () => {
      const left = (requestsUnderWay.get(socket) ?? 1) - 1;
      if (left > 0) requestsUnderWay.set(socket, left);
      else requestsUnderWay.delete(socket);
    });
  });
  const floodSize = Math.max(2, Math.ceil(options.limit / 8));
  server.on('connection', (socket: Socket) => {
    const address = ipKeyGenerator(socket.remoteAddress ?? '');
    if (arrivals.size >= options.limit) {
      options.onDrop();
      const closed =
        closeOldestSilent(arrivals) ||
        closeFromLargestHolder(byAddress, arrivals, byAddress.get(address)?.size ?? 0, (held) => {
          const idle = [...held].find((connection) => !requestsUnderWay.has(connection));
          return idle ?? (held.size >= floodSize ? held.values().next().value : undefined);
        });
      if (!closed) {
        socket.destroy();
        return;
      }
    }
    arrivals.set(socket, Date.now());
    const held = byAddress.get(address) ?? new Set<Socket>();
    byAddress.set(address, held.add(socket));
    socket.once('close', () => {
      arrivals.delete(socket);
      held.delete(socket);
      if (held.size === 0 && byAddress.get(address) === held) byAddress.delete(address);
    });
  });
  const sweep = setInterval(
    () => {
      const silentSince = Date.now() - options.silentTimeoutMs;
      for (const [socket, arrived] of arrivals) {
        if (arrived > silentSince) break;
        if (socket.bytesRead === 0) socket.destroy();
      }
    },
    Math.min(sweepIntervalMs, options.silentTimeoutMs / 2),
  );
  sweep.unref();
  server.once('close', () => clearInterval(sweep));
}

function closeOldestSilent(arrivals: Map<Socket, number>): boolean {
  const silentSince = Date.now() - evictableAfterMs;
  for (const [socket, arrived] of arrivals) {
    if (arrived > silentSince) return false;
    if (socket.bytesRead > 0) continue;
    arrivals.delete(socket);
    socket.destroy();
    return true;
  }
  return false;
}

/**
 * Closes the connection `pick` chooses among those of the client holding the most, when it holds
 * more than `newcomerHolds` + 1 and the connection is a second old or more.
 */
function closeFromLargestHolder(
  byAddress: Map<string, Set<Socket>>,
  arrivals: Map<Socket, number>,
  newcomerHolds: number,
  pick: (held: Set<Socket>) => Socket | undefined,
): boolean {
  let largest: Set<Socket> | undefined;
  for (const held of byAddress.values()) if (held.size > (largest?.size ?? 0)) largest = held;
  if (!largest || largest.size <= newcomerHolds + 1) return false;
  const socket = pick(largest);
  if (socket === undefined || (arrivals.get(socket) ?? Infinity) > Date.now() - evictableAfterMs) return false;
  arrivals.delete(socket);
  largest.delete(socket);
  socket.destroy();
  return true;
}
