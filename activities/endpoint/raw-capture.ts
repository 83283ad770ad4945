// Keeps a response body exactly as the server sent it, for saved results that must show what the model
// server really said (a quality run's per-scenario JSON) rather than what the client assembled from it.
// Opt-in per request (`captureRaw`): the load generator never asks, so it pays nothing. The bytes are
// held as the Buffers the connection delivered (no copy) up to a limit no larger than the client's
// `maxResponseBytes`, and decoded once at the end. "As received" means the HTTP entity body after
// transfer-encoding is undone (the client asks for no content encoding, so nothing is decompressed).

export interface RawResponseBody {
  /** The captured bytes as text, when they are valid UTF-8 (a BOM is kept). */
  text?: string;
  /** The captured bytes in base64, when they are not valid UTF-8: a JSON file can then still hold them exactly. */
  base64?: string;
  /** The response's Content-Type header, as sent. */
  contentType?: string;
  /** Bytes captured. */
  bytes: number;
  /** True when the body went on past what was captured (the cap, or the client's own error-body limit):
   * only the first `bytes` bytes are here. */
  truncated: boolean;
  /** The capture's cap in bytes. */
  limitBytes: number;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class RawCapture {
  private readonly pieces: Buffer[] = [];
  private bytes = 0;
  private truncated = false;

  constructor(
    readonly limitBytes: number,
    private readonly contentType?: string,
  ) {}

  /** Adds one piece as it arrived; whatever lies past the limit is dropped and marks the capture truncated. */
  add(piece: Buffer): void {
    if (this.truncated) return;
    const room = this.limitBytes - this.bytes;
    if (piece.length > room) {
      if (room > 0) this.pieces.push(piece.subarray(0, room));
      this.bytes += Math.max(0, room);
      this.truncated = true;
      return;
    }
    this.pieces.push(piece);
    this.bytes += piece.length;
  }

  /** Records that the reader stopped before the body's end for a reason of its own (a size limit). */
  cut(): void {
    this.truncated = true;
  }

  result(): RawResponseBody {
    const all = Buffer.concat(this.pieces, this.bytes);
    const out: RawResponseBody = { bytes: this.bytes, truncated: this.truncated, limitBytes: this.limitBytes };
    if (this.contentType !== undefined) out.contentType = this.contentType;
    try {
      out.text = STRICT_UTF8.decode(all);
    } catch {
      // Not UTF-8 (or a cut through the middle of a character): keep the bytes themselves.
      out.base64 = all.toString('base64');
    }
    return out;
  }
}
