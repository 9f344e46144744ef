// A JSON answer whose big string fields are base64 of binary audio, written as a stream: the
// caller gives the JSON as text pieces and byte runs (each run becomes the base64 text of its
// bytes, joined across its sources); the body is produced a piece at a time as the socket takes
// it. Only the binary sources are held (no base64 or JSON string of the whole), each source is let
// go once written, and the exact length is known up front (Content-Length). `onEnd` hears once
// that the body is done, written or abandoned, with the binary bytes it held (for ops/idle-gc.ts).

/** Input bytes per base64 piece (a multiple of 3, so pieces join into one valid base64 text). */
export const PIECE_BYTES = 48 * 1024;

/** Text written as is, or a run of bytes written as one base64 text (no quotes added). */
export type JsonPart = string | { readonly base64Of: Uint8Array[] };

export interface StreamedBody {
  readonly body: ReadableStream<Uint8Array>;
  /** Exact byte length of the body (Content-Length). */
  readonly length: number;
}

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** One run's base64 in pieces of PIECE_BYTES input bytes; the sources array is emptied as it goes. */
function* base64Pieces(sources: Uint8Array[]): Generator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  while (sources.length > 0 || carry.length > 0) {
    const parts: Uint8Array[] = [carry];
    let size = carry.length;
    while (size < PIECE_BYTES && sources.length > 0) {
      const src = sources[0]!;
      const take = Math.min(src.length, PIECE_BYTES - size);
      parts.push(src.subarray(0, take));
      size += take;
      if (take === src.length) sources.shift();
      else sources[0] = src.subarray(take);
    }
    const bytes = Buffer.concat(parts, size);
    // Keep a non-multiple of 3 for the next piece, unless this run is over.
    const whole = sources.length === 0 ? size : size - (size % 3);
    carry = Buffer.from(bytes.subarray(whole));
    if (whole > 0) yield Buffer.from(bytes.subarray(0, whole).toString('base64'), 'latin1');
  }
}

/** Every piece of the body in order: text parts as UTF-8, byte runs as base64 pieces. */
function* bodyPieces(parts: JsonPart[]): Generator<Uint8Array> {
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (typeof part === 'string') yield Buffer.from(part);
    else yield* base64Pieces(part.base64Of);
  }
}

export function base64JsonBody(
  parts: JsonPart[],
  onEnd: (heldBytes: number) => void = () => undefined,
): StreamedBody {
  const length = parts.reduce(
    (n, p) =>
      n +
      (typeof p === 'string'
        ? Buffer.byteLength(p)
        : base64Length(p.base64Of.reduce((m, s) => m + s.byteLength, 0))),
    0,
  );
  const held = parts.reduce(
    (n, p) => (typeof p === 'string' ? n : n + p.base64Of.reduce((m, s) => m + s.byteLength, 0)),
    0,
  );
  const pieces = bodyPieces(parts);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd(held);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = pieces.next();
        if (next.done) {
          controller.close();
          end();
        } else controller.enqueue(next.value);
      },
      cancel() {
        parts.length = 0; // the audio not yet written goes at once
        pieces.return(undefined);
        end();
      },
    },
    { highWaterMark: 2 },
  );
  return { body, length };
}
