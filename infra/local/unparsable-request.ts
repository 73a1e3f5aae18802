import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** What Node's HTTP parser reports on a `clientError`: an llhttp code (`HPE_*`) and its reason. */
export interface ClientError extends Error {
  code?: string;
  reason?: string;
}

/** The answer to a request the parser refused, in the API's error format. */
export interface ParserRefusal {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/**
 * What to answer a request Node's parser refused, as Node's own default
 * handler chooses the status (431 for an oversized head, 413 for oversized
 * chunk extensions, 408 for a request that took too long, 400 otherwise),
 * with the error body every other answer of the API has.
 */
export function parserRefusal(error: ClientError, maxHeaderSize: number): ParserRefusal {
  const parser = { parser_error: error.code ?? 'unknown', reason: error.reason ?? error.message };
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'request_header_fields_too_large',
        message: `the request line and headers exceed ${maxHeaderSize} bytes; send a shorter URL or fewer headers`,
        details: { limit_bytes: maxHeaderSize, ...parser },
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'the chunk extensions of the body are too large', details: parser };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'the request was not received in time', details: parser };
    default:
      return { status: 400, code: 'malformed_request', message: `the request is not valid HTTP/1.1: ${parser.reason}`, details: parser };
  }
}

/**
 * Answers a request the parser refused (the server's `clientError` event)
 * and closes the connection, which cannot carry another request once its
 * framing is lost. Nothing is written when the socket can no longer take it,
 * the client reset it, or a response on it has already begun (bytes of
 * another response would corrupt it): then the socket is only destroyed.
 */
export function answerUnparsableRequest(error: ClientError, socket: Duplex, maxHeaderSize: number, answering?: ServerResponse): void {
  if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = parserRefusal(error, maxHeaderSize);
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message, details: refusal.details } });
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    `apigw-requestid: ${randomUUID()}`,
  ].join('\r\n');
  // A client that never reads would hold the socket open: it goes after a second at most.
  const deadline = setTimeout(() => socket.destroy(), 1_000);
  deadline.unref();
  socket.end(`${head}\r\n\r\n${body}`, () => {
    clearTimeout(deadline);
    socket.destroy();
  });
}
