import { describe, expect, it } from 'vitest';
import { encodeEvent, type WyomingEvent } from '../../src/wyoming/event.js';
import { EventParser, type ParsedItem } from '../../src/wyoming/event-parser.js';
import { encodeWyoming } from '../helpers/wyoming-client.js';

const parser = (maxPartBytes = 4096) => new EventParser({ maxPartBytes });
const feed = (p: EventParser, ...chunks: Array<string | Buffer>): ParsedItem[] =>
  chunks.flatMap((c) => p.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
const events = (items: ParsedItem[]) =>
  items.map((i) => (i.kind === 'event' ? i.event : { error: i.text, fatal: i.fatal }));

// Three events as the reference client writes them: data only, data and payload, neither.
const stream = Buffer.concat([
  encodeWyoming('synthesize', { text: 'Grüße, world.', voice: { name: 'Luna' } }),
  encodeWyoming('audio-chunk', { rate: 24000, width: 2, channels: 1 }, Buffer.from([1, 2, 3, 4])),
  encodeWyoming('describe'),
]);
const expected: WyomingEvent[] = [
  {
    type: 'synthesize',
    data: { text: 'Grüße, world.', voice: { name: 'Luna' } },
    payload: undefined,
  },
  {
    type: 'audio-chunk',
    data: { rate: 24000, width: 2, channels: 1 },
    payload: Buffer.from([1, 2, 3, 4]),
  },
  { type: 'describe', data: {}, payload: undefined },
];

describe('EventParser', () => {
  it('reads the same events wherever the byte stream is cut in two', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = parser();
      const got = feed(p, stream.subarray(0, cut), stream.subarray(cut));
      expect(events(got), `cut at ${cut}`).toEqual(expected);
      expect(p.heldBytes).toBe(0);
    }
  });

  it('reads the same events when they arrive one byte at a time', () => {
    const p = parser();
    const got = [...stream].flatMap((b) => p.push(Buffer.from([b])));
    expect(events(got)).toEqual(expected);
  });

  it('drops payloads as they arrive when asked, handing the event over before its payload', () => {
    const p = new EventParser({ maxPartBytes: 4096, keepPayloads: false });
    const header = encodeWyoming('audio-chunk', { rate: 24000 }, Buffer.alloc(3000, 1));
    const cut = header.length - 3000;
    expect(events(feed(p, header.subarray(0, cut)))).toEqual([
      { type: 'audio-chunk', data: { rate: 24000 }, payload: undefined },
    ]);
    expect(feed(p, header.subarray(cut, cut + 1000))).toEqual([]);
    expect(p.heldBytes).toBe(0);
    expect(events(feed(p, header.subarray(cut + 1000), encodeWyoming('describe')))).toEqual([
      { type: 'describe', data: {}, payload: undefined },
    ]);
  });

  it('merges the data part over the header’s inline data, as the reference does', () => {
    const header = JSON.stringify({ type: 'x', data: { a: 1, b: 1 }, data_length: 7 });
    expect(events(feed(parser(), `${header}\n{"b":2}`))).toEqual([
      { type: 'x', data: { a: 1, b: 2 }, payload: undefined },
    ]);
  });

  it('refuses a declared data_length or payload_length over the limit, skips those bytes unread and reads on', () => {
    const p = parser(1024);
    const big = `${JSON.stringify({ type: 'synthesize', data_length: 5000 })}\n${'x'.repeat(5000)}`;
    const payload = `${JSON.stringify({ type: 'audio-chunk', payload_length: 2000 })}\n`;
    const got = feed(
      p,
      big.slice(0, 3000),
      big.slice(3000),
      payload,
      Buffer.alloc(2000),
      encodeWyoming('describe'),
    );
    expect(events(got)).toEqual([
      {
        error:
          "Event 'synthesize' refused: its data_length of 5000 bytes is over the limit of 1024 bytes.",
        fatal: false,
      },
      {
        error:
          "Event 'audio-chunk' refused: its payload_length of 2000 bytes is over the limit of 1024 bytes.",
        fatal: false,
      },
      { type: 'describe', data: {}, payload: undefined },
    ]);
    // Skipped bytes are dropped as they come, never held.
    expect(p.heldBytes).toBe(0);
  });

  it('ends the stream on a header line over the limit, even before its newline arrives', () => {
    const p = parser(1024);
    const got = feed(p, `{"type":"synthesize","data":{"text":"${'x'.repeat(1100)}`);
    expect(events(got)).toEqual([
      { error: 'Event header line longer than 1024 bytes.', fatal: true },
    ]);
    expect(p.heldBytes).toBe(0);
    expect(feed(p, encodeWyoming('describe'))).toEqual([]);
  });

  it('reports a malformed header and reads the next line, skipping the parts a bad header declared', () => {
    const got = feed(
      parser(),
      'not json\n',
      '[1,2]\n',
      `${JSON.stringify({ data_length: 4 })}\nabcd`,
      `${JSON.stringify({ type: 'x', data_length: -1 })}\n`,
      `${JSON.stringify({ type: 'x', data: [1] })}\n`,
      '\n',
      encodeWyoming('describe'),
    );
    expect(events(got)).toEqual([
      { error: 'Malformed event header: expected one JSON object per line.', fatal: false },
      { error: 'Malformed event header: expected one JSON object per line.', fatal: false },
      { error: 'Malformed event header: "type" must be a non-empty string.', fatal: false },
      {
        error:
          'Malformed event header: data_length and payload_length must be non-negative integers.',
        fatal: false,
      },
      { error: 'Event \'x\': "data" must be a JSON object.', fatal: false },
      { type: 'describe', data: {}, payload: undefined },
    ]);
  });
});

describe('encodeEvent', () => {
  it('writes the reference’s framing: version and lengths in the header line, no empty data part', () => {
    const parts = encodeEvent({
      type: 'audio-chunk',
      data: { rate: 24000 },
      payload: new Uint8Array([9, 9]),
    });
    const header = JSON.parse(parts[0]!.toString('utf8')) as Record<string, unknown>;
    expect(header).toEqual({
      type: 'audio-chunk',
      version: '1.9.0',
      data_length: 14,
      payload_length: 2,
    });
    expect(parts[0]!.at(-1)).toBe(0x0a);
    expect(parts[1]!.toString('utf8')).toBe('{"rate":24000}');
    expect([...parts[2]!]).toEqual([9, 9]);
    const empty = encodeEvent({ type: 'synthesize-stopped', data: {} });
    expect(empty).toHaveLength(1);
    expect(JSON.parse(empty[0]!.toString('utf8'))).toEqual({
      type: 'synthesize-stopped',
      version: '1.9.0',
    });
  });

  it('round-trips through the parser', () => {
    const ev = { type: 'synthesize', data: { text: 'Hé ✓' }, payload: new Uint8Array([1]) };
    const got = events(parser().push(Buffer.concat(encodeEvent(ev))));
    expect(got).toEqual([{ ...ev, payload: Buffer.from([1]) }]);
  });
});
