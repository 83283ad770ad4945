// llama-swap's own answers, as v250 writes them (internal/swaputil/http.go SendResponse, its handlers'
// json.Encoder): used by the llama-swap routes and by the /v1 routes in llama-swap mode, so the simulator
// answers errors the way the real llama-swap in front of a model server would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIM_HEADER } from './http.js';
import type { LoadError } from './model.js';

/** What v250 answers when a load fails: its scheduler's error through swaputil.SendError's default case. */
export const LOAD_FAILED_MESSAGE = 'unspecific error: upstream command exited prematurely';

/** llama-swap's own error answer (swaputil.SendResponse): JSON unless the client's Accept asks for text. */
export function sendSwapResponse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  const accept = req.headers.accept ?? '';
  if (accept.includes('text/plain')) {
    writeWhole(res, status, 'text/plain', `llama-swap: ${message}`);
  } else if (accept.includes('text/html')) {
    writeWhole(res, status, 'text/html', `<html><body><h1>llama-swap</h1><p>${escapeHtml(message)}</p></body></html>`);
  } else {
    writeWhole(res, status, 'application/json', JSON.stringify({ error: message, src: 'llama-swap' }));
  }
}

/** The error a failed or cancelled load gives the waiting request (500, as v250's scheduler reports it). */
export function sendLoadFailure(req: IncomingMessage, res: ServerResponse, error: LoadError): void {
  // An unload during the load releases the waiters with "<router>: model unloaded" (FIFO.OnUnload).
  const message = /unloaded while loading/.test(error.message) ? 'unspecific error: group: model unloaded' : LOAD_FAILED_MESSAGE;
  sendSwapResponse(req, res, 500, message);
}

/** A JSON answer the way llama-swap's handlers write it (json.Encoder: trailing newline, no charset). */
export function sendGoJson(res: ServerResponse, status: number, body: unknown): void {
  writeWhole(res, status, 'application/json', `${JSON.stringify(body)}\n`);
}

export function writeWhole(res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, [SIM_HEADER]: '1', ...extra, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] ?? c);
}
