import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Calls `done` once, when an answer on this connection is finished with: sent, or its connection
 * closed. Node 22 emits no 'close' on an answer queued behind another on a pipelined connection
 * when that connection is destroyed (Node 24 does), so the connection's own 'close' counts too. Without it, on Node 22,
 * the search batches of a client that pipelined them and hung up stayed counted as held, and every
 * later batch waited for ever; their model work, metrics and the shutdown's wait were kept as well.
 */
export function whenAnswerDone(socket: Socket, response: ServerResponse, done: () => void): void {
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    response.off('close', once);
    watchersOf.get(socket)?.delete(once);
    done();
  };
  response.once('close', once);
  if (socket.destroyed) {
    queueMicrotask(once);
    return;
  }
  let watchers = watchersOf.get(socket);
  if (!watchers) {
    // One listener a connection, however many of its answers are watched (pipelined, they are many).
    const created = new Set<() => void>();
    watchersOf.set(socket, created);
    socket.once('close', () => {
      watchersOf.delete(socket);
      for (const watcher of created) watcher();
    });
    watchers = created;
  }
  watchers.add(once);
}

const watchersOf = new WeakMap<Socket, Set<() => void>>();
