import type { Socket } from 'node:net';
import { dropWaitingRequests, handleNoMoreRequests } from './connection-requests.js';

/** How long the rest of a refused body may go on arriving after the answer, and how much of it is read. */
const lingerMs = 1_000;
const lingerBytes = 8 * 1024 * 1024;

/**
 * Closes the connection after the answer in stages (RFC 9112 §9.6), where Node closes it at once.
 * A socket closed while bytes of the request body are still arriving answers them with a reset,
 * and a client still uploading loses the answer it had not read yet: 1 in 5 uploads refused with
 * 413 at 8 concurrent clients ended in EPIPE instead of the 413. Here the answer is followed by a
 * half-close, the rest of the body is read and dropped (the request's parser discards it), and the
 * socket is closed when the client closes its side, or after `lingerMs` or `lingerBytes`, which
 * bound what an endless upload costs.
 *
 * Node's server ends a `Connection: close` answer with `socket.destroySoon()` (and falls back to
 * `end()` without it): that step is replaced for this one socket.
 */
export function lingerBeforeClosing(socket: Socket): void {
  // The parser reads what is drained: a request after the refused body is not handled.
  handleNoMoreRequests(socket);
  dropWaitingRequests(socket);
  socket.destroySoon = () => {
    if (socket.destroyed) return;
    socket.end();
    let received = 0;
    const close = (): void => {
      clearTimeout(deadline);
      socket.off('data', count);
      socket.destroy();
    };
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > lingerBytes) close();
    };
    const deadline = setTimeout(close, lingerMs);
    socket.on('data', count);
    socket.once('end', close);
    socket.once('close', () => clearTimeout(deadline));
  };
}
