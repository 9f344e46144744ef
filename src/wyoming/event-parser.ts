// Reads Wyoming events from a byte stream that arrives in arbitrary pieces (TCP reads split and
// join events anywhere), as `wyoming`'s async_read_event does: a JSON header line, then
// `data_length` bytes of JSON merged over the header's `data`, then `payload_length` bytes.
// Unlike the reference, a bad event is reported and skipped instead of ending the stream, and
// every part has a size limit: a declared length over it is refused and its bytes are skipped
// unread, so the connection stays usable; only a header line over the limit (no way to find the
// next event) is fatal.
import type { WyomingEvent } from './event.js';

export interface EventParserOptions {
  /** Largest header line, data part and payload, each in bytes. */
  maxPartBytes: number;
  /**
   * false: payloads are dropped as they arrive, never held, and events come without them (a TTS
   * server reads no payload: no event it answers has one). Default true.
   */
  keepPayloads?: boolean;
}

export type ParsedItem =
  | { readonly kind: 'event'; readonly event: WyomingEvent }
  /** `fatal`: the stream cannot be followed any further; close it. */
  | { readonly kind: 'error'; readonly text: string; readonly fatal: boolean };

interface Header {
  type: string;
  data: Record<string, unknown>;
  dataLength: number;
  payloadLength: number;
}

interface Pending extends Header {
  data_?: Buffer;
  /** Bytes still to discard: the parts of a refused event. */
  skip: number;
}

const NEWLINE = 0x0a;

export class EventParser {
  private pieces: Buffer[] = [];
  private held = 0;
  /** Pieces at the front already searched for a newline (none there). */
  private searched = 0;
  private searchedBytes = 0;
  private pending: Pending | undefined;
  private failed = false;

  constructor(private readonly options: EventParserOptions) {}

  /** Feeds bytes; returns the events (and errors) they completed, in order. */
  push(chunk: Buffer): ParsedItem[] {
    if (this.failed || chunk.byteLength === 0) return [];
    this.pieces.push(chunk);
    this.held += chunk.byteLength;
    const out: ParsedItem[] = [];
    for (let item = this.next(); item; item = this.next()) {
      out.push(item);
      if (item.kind === 'error' && item.fatal) {
        this.failed = true;
        this.pieces = [];
        this.held = 0;
        this.searched = 0;
        this.searchedBytes = 0;
        break;
      }
    }
    return out;
  }

  /** Bytes held for an event not complete yet (bounded by the limits). */
  get heldBytes(): number {
    return this.held;
  }

  private next(): ParsedItem | undefined {
    for (;;) {
      if (this.pending) return this.continuePending(this.pending);
      const max = this.options.maxPartBytes;
      const line = this.takeLine();
      if (line === undefined || line.byteLength > max) {
        if (line === undefined && this.held <= max) return undefined;
        return { kind: 'error', text: `Event header line longer than ${max} bytes.`, fatal: true };
      }
      const text = line.toString('utf8').trim();
      if (text === '') continue; // blank lines between events are harmless
      const header = parseHeader(text);
      if ('error' in header) {
        // Its declared parts (when they could be read) are skipped, not taken for headers.
        if (header.skip > 0) this.pending = { ...emptyHeader, skip: header.skip };
        return { kind: 'error', text: header.error, fatal: false };
      }
      const oversized = header.dataLength > max || header.payloadLength > max;
      this.pending = { ...header, skip: oversized ? header.dataLength + header.payloadLength : 0 };
      if (oversized) return { kind: 'error', text: oversizedText(header, max), fatal: false };
    }
  }

  private continuePending(p: Pending): ParsedItem | undefined {
    if (p.skip > 0) {
      p.skip -= this.discard(p.skip);
      if (p.skip > 0) return undefined;
      this.pending = undefined;
      return this.next();
    }
    if (p.dataLength > 0 && p.data_ === undefined) {
      const bytes = this.take(p.dataLength);
      if (!bytes) return undefined;
      p.data_ = bytes;
    }
    const keep = this.options.keepPayloads !== false;
    const payload = p.payloadLength > 0 && keep ? this.take(p.payloadLength) : undefined;
    if (p.payloadLength > 0 && keep && !payload) return undefined;
    // A payload not kept is skipped as it comes, after its event is handed over.
    this.pending =
      keep || p.payloadLength === 0 ? undefined : { ...emptyHeader, skip: p.payloadLength };
    let data = p.data;
    if (p.data_) {
      const merged = parseObject(p.data_.toString('utf8'));
      if (merged === undefined) {
        const text = `Event '${short(p.type)}': its data is not a JSON object.`;
        return { kind: 'error', text, fatal: false };
      }
      data = { ...data, ...merged };
    }
    return { kind: 'event', event: { type: p.type, data, payload } };
  }

  /** The next line (without its newline) taken from the front, or undefined if none is complete. */
  private takeLine(): Buffer | undefined {
    // Pieces already searched are not searched again (a line may arrive a byte at a time).
    let before = this.searchedBytes;
    for (let i = this.searched; i < this.pieces.length; i++) {
      const piece = this.pieces[i]!;
      const at = piece.indexOf(NEWLINE);
      if (at >= 0) return this.take(before + at + 1)!.subarray(0, before + at);
      before += piece.byteLength;
    }
    this.searched = this.pieces.length;
    this.searchedBytes = before;
    return undefined;
  }

  /** Exactly `n` bytes from the front, or undefined (and nothing taken) if fewer are here. */
  private take(n: number): Buffer | undefined {
    if (this.held < n) return undefined;
    const all = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
    this.pieces = all.byteLength > n ? [all.subarray(n)] : [];
    this.searched = 0;
    this.searchedBytes = 0;
    this.held -= n;
    return all.subarray(0, n);
  }

  /** Drops up to `n` bytes from the front; returns how many it dropped. */
  private discard(n: number): number {
    const dropped = Math.min(n, this.held);
    this.take(dropped);
    return dropped;
  }
}

const emptyHeader: Header = { type: '', data: {}, dataLength: 0, payloadLength: 0 };

const short = (s: string) => (s.length <= 64 ? s : `${s.slice(0, 64)}…`);

function oversizedText(h: Header, max: number): string {
  const [name, value] =
    h.dataLength > max ? ['data_length', h.dataLength] : ['payload_length', h.payloadLength];
  return `Event '${short(h.type)}' refused: its ${name} of ${value} bytes is over the limit of ${max} bytes.`;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const lengthOf = (v: unknown): number | undefined =>
  v === undefined || v === null
    ? 0
    : Number.isSafeInteger(v) && (v as number) >= 0
      ? (v as number)
      : undefined;

/** The header's fields, or why it is not a Wyoming header (with the bytes it declared, to skip). */
function parseHeader(text: string): Header | { error: string; skip: number } {
  const h = parseObject(text);
  if (!h) return { error: 'Malformed event header: expected one JSON object per line.', skip: 0 };
  const dataLength = lengthOf(h.data_length);
  const payloadLength = lengthOf(h.payload_length);
  if (dataLength === undefined || payloadLength === undefined) {
    return {
      error:
        'Malformed event header: data_length and payload_length must be non-negative integers.',
      skip: 0,
    };
  }
  const skip = dataLength + payloadLength;
  if (typeof h.type !== 'string' || h.type === '') {
    return { error: 'Malformed event header: "type" must be a non-empty string.', skip };
  }
  const data = h.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { error: `Event '${short(h.type)}': "data" must be a JSON object.`, skip };
  }
  return { type: h.type, data: data as Record<string, unknown>, dataLength, payloadLength };
}
