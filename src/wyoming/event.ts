// A Wyoming event and how it goes on the wire, exactly as the reference implementation writes it
// (the `wyoming` Python package 1.9, event.py): one JSON header line with `type`, `version` and,
// when present, `data_length` / `payload_length`; then the data as UTF-8 JSON; then the payload.

/** The protocol version this door speaks (written into every header, as `wyoming` does). */
export const WYOMING_VERSION = '1.9.0';

export interface WyomingEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly payload?: Uint8Array;
}

/** The bytes of one event: header line, then data, then payload (empty parts are left out). */
export function encodeEvent(event: WyomingEvent): Buffer[] {
  const header: Record<string, unknown> = { type: event.type, version: WYOMING_VERSION };
  const parts: Buffer[] = [];
  // As async_write_event: an empty data object is not written at all.
  const data =
    Object.keys(event.data).length > 0 ? Buffer.from(JSON.stringify(event.data), 'utf8') : null;
  if (data) header.data_length = data.byteLength;
  const payload = event.payload && event.payload.byteLength > 0 ? event.payload : null;
  if (payload) header.payload_length = payload.byteLength;
  parts.push(Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
  if (data) parts.push(data);
  if (payload) parts.push(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
  return parts;
}

/** `error` as wyoming's error.py writes it: a text for people and an optional machine code. */
export function errorEvent(text: string, code?: string): WyomingEvent {
  return { type: 'error', data: code === undefined ? { text } : { text, code } };
}
