import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '#tests/helpers/local-server';

/** One raw HTTP exchange: the status line, the headers (lower-cased names) and the body, as they came over the wire. */
interface RawAnswer {
  statusLine: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Requests Node's HTTP parser refuses never reach a route: before this, the
 * local server left them to Node's bare `HTTP/1.1 431` with no body. Each is
 * sent as raw bytes over a socket (no client would send them), and must get
 * a status and the API's `{error: {code, message, details}}` as JSON.
 */
describe('Local server: requests its HTTP parser refuses', () => {
  let api: LocalServer;
  let port: number;

  beforeAll(async () => {
    api = await LocalServer.start();
    port = Number(new URL(api.url).port);
  });
  afterAll(async () => {
    await api?.stop();
  });

  /** Writes `bytes` and reads until the server closes the connection. */
  function exchange(bytes: string): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within 10 s; got ${JSON.stringify(Buffer.concat(chunks).toString('utf8').slice(0, 200))}`));
      }, 10_000);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      // The server may close before reading everything we sent: what it answered first is what counts.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        const end = text.indexOf('\r\n\r\n');
        const [statusLine = '', ...lines] = text.slice(0, end < 0 ? text.length : end).split('\r\n');
        const headers = Object.fromEntries(
          lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
        );
        resolve({ statusLine, headers, body: end < 0 ? '' : text.slice(end + 4) });
      });
      socket.write(bytes);
    });
  }

  const given = {
    aRequest: (head: string, body = '') => `${head}\r\n\r\n${body}`,
  };
  const then = {
    itIsAnsweredInTheErrorFormat: (answer: RawAnswer, status: string, code: string) => {
      expect(answer.statusLine).toBe(`HTTP/1.1 ${status}`);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      const parsed = JSON.parse(answer.body) as { error: { code: string; message: string; details: Record<string, unknown> } };
      expect(parsed).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
      return parsed.error;
    },
  };

  const refused: [string, string, string, string, Record<string, unknown>][] = [
    [
      'a 100 KB path',
      given.aRequest(`GET /api/orchestration/channels/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1`),
      '431 Request Header Fields Too Large',
      'request_header_fields_too_large',
      { limit_bytes: 16_384, parser_error: 'HPE_HEADER_OVERFLOW' },
    ],
    [
      'a 100 KB header',
      given.aRequest(`GET /api/orchestration/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(100_000)}`),
      '431 Request Header Fields Too Large',
      'request_header_fields_too_large',
      { limit_bytes: 16_384, parser_error: 'HPE_HEADER_OVERFLOW' },
    ],
    [
      'a Content-Length that is not a number',
      given.aRequest('POST /api/orchestration/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc'),
      '400 Bad Request',
      'malformed_request',
      { parser_error: 'HPE_INVALID_CONTENT_LENGTH' },
    ],
    [
      'two different Content-Lengths',
      given.aRequest('POST /api/orchestration/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2', '{}'),
      '400 Bad Request',
      'malformed_request',
      { parser_error: 'HPE_UNEXPECTED_CONTENT_LENGTH' },
    ],
    [
      'Content-Length with Transfer-Encoding',
      given.aRequest('POST /api/orchestration/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked', '0\r\n\r\n'),
      '400 Bad Request',
      'malformed_request',
      { parser_error: 'HPE_INVALID_TRANSFER_ENCODING' },
    ],
    [
      'a NUL in a header value',
      given.aRequest('GET /api/orchestration/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\0b'),
      '400 Bad Request',
      'malformed_request',
      { parser_error: 'HPE_INVALID_HEADER_TOKEN' },
    ],
    ['a request line that is not HTTP', given.aRequest('HELLO THERE'), '400 Bad Request', 'malformed_request', { parser_error: 'HPE_INVALID_METHOD' }],
    [
      'a chunk extension over 16 KB (once the route is reading the body)',
      given.aRequest('POST /api/orchestration/start HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked', `2;note=${'n'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`),
      '413 Payload Too Large',
      'payload_too_large',
      { parser_error: 'HPE_CHUNK_EXTENSIONS_OVERFLOW' },
    ],
  ];
  for (const [what, bytes, status, code, details] of refused) {
    it(`answers ${status} with a JSON ${code} to ${what}, and closes the connection`, async () => {
      // When
      const answer = await exchange(bytes);

      // Then
      const error = then.itIsAnsweredInTheErrorFormat(answer, status, code);
      expect(answer.headers.connection).toBe('close');
      expect(error.details).toMatchObject(details);
    });
  }

  it('ran none of the refused requests: the system is still stopped, and the server answers on', async () => {
    // When
    const status = await api.request('GET', '/status');

    // Then
    expect(status.status).toBe(200);
    expect(status.body.status).toBe('stopped');
  });

  // Long, but within the parser's 16 KB: these reach the router and the route, which answer as usual.
  const longButParsable: [string, string, number, string, Record<string, unknown>][] = [
    ['a long URL no route matches', `/${'x'.repeat(12_000)}`, 404, 'route_not_found', { method: 'GET', path: `/api/orchestration/${'x'.repeat(12_000)}` }],
    ['a long path parameter', `/channels/${'c'.repeat(12_000)}`, 400, 'validation_failed', { fields: [{ field: 'channel_id', in: 'path', message: expect.any(String) }] }],
    ['a long query string', `/channels?cursor=${'q'.repeat(12_000)}`, 400, 'validation_failed', { fields: [{ field: 'cursor', in: 'query', message: expect.any(String) }] }],
  ];
  for (const [what, path, status, code, details] of longButParsable) {
    it(`answers ${what} (within the parser limits) with a JSON ${status} ${code}`, async () => {
      // When
      const answer = await api.request('GET', path);

      // Then
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.body).toEqual({ error: { code, message: expect.any(String), details } });
    });
  }
});
