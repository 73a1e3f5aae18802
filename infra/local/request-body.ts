import type { IncomingMessage } from 'node:http';

/** API Gateway's own payload limit; the handlers refuse anything over 256 KB themselves. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export type BodyRead = { kind: 'read'; body: Buffer } | { kind: 'too_large' };

/**
 * Reads the request body, at most `limit` bytes. A declared Content-Length
 * over the limit is refused before reading; a body that grows past it stops
 * being buffered at once (the rest is left to be discarded).
 */
export function readRequestBody(request: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<BodyRead> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too_large' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        chunks.length = 0;
        resolve({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve({ kind: 'read', body: Buffer.concat(chunks, size) });
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', reject);
    // A client gone mid-body: settles the read (a settled promise ignores later calls).
    request.once('close', () => reject(new Error('the client closed the connection before the body ended')));
  });
}
