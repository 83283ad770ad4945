// Small HTTP helpers shared by the route modules: the simulator header on every response, JSON and
// error replies in the shapes real servers use, and a bounded request-body reader.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SIM_HEADER = 'x-nightshift-simulated';

/** Headers for a JSON reply; built once, reused for every response. */
export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', [SIM_HEADER]: '1' } as const;
export const TEXT_HEADERS = { 'content-type': 'text/plain; charset=utf-8', [SIM_HEADER]: '1' } as const;
export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  [SIM_HEADER]: '1',
} as const;

export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
  ) {
    super(message);
  }
}

// Whole responses carry Content-Length (as llama-server's do), so clients need not parse chunked framing.
export function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...extraHeaders, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...TEXT_HEADERS, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An OpenAI-style error body, with llama-server's numeric `code`. */
export function sendError(res: ServerResponse, status: number, message: string, type?: string, extraHeaders?: Record<string, string>): void {
  const err = new HttpError(status, message, type);
  sendJson(res, status, { error: { code: status, message, type: err.type } }, extraHeaders);
}

/** Reads the whole body (bounded); rejects with HttpError 413 when it is too large. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `request body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'request body must be a JSON object');
  return value as Record<string, unknown>;
}
