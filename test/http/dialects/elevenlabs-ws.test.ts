// The ElevenLabs WebSocket dialect spoken by hand: alignment, barge-in by close_context, the
// single-context socket, and every bad input answered in their shape with close code 1008.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentences, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { wsClient, type WsMessage } from '../../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_DIALECT_MAX_CONTEXTS: '2' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const socket = (
  voice = 'Bella',
  query = 'output_format=pcm_24000&model_id=eleven_flash_v2_5',
  kind = 'multi-stream-input',
) => wsClient(gw.url, { path: `/v1/text-to-speech/${voice}/${kind}`, query });

interface AlignmentMsg {
  chars: string[];
  charStartTimesMs: number[];
  charDurationsMs: number[];
}

describe('the ElevenLabs multi-stream-input socket', () => {
  it('aligns every character of the text, in order, within each chunk of audio', async () => {
    const c = socket();
    await c.upgrade;
    const text = 'Hello there, friend. The quick brown fox jumps over 3 lazy dogs!';
    c.send({ text: ' ', context_id: 'a' });
    c.send({ text, context_id: 'a', flush: true });
    c.send({ text: '', context_id: 'a', flush: true });
    c.send({ context_id: 'a', close_context: true });
    await c.until(() => c.json.some((m) => m.isFinal === true));
    const audio = c.json.filter((m) => typeof m.audio === 'string');
    expect(audio.length).toBeGreaterThan(0);
    let spoken = '';
    for (const m of audio) {
      const a = m.alignment as AlignmentMsg;
      const ms = (Buffer.from(m.audio as string, 'base64').length / 2 / 24000) * 1000;
      expect(a.charStartTimesMs).toHaveLength(a.chars.length);
      expect(a.charDurationsMs).toHaveLength(a.chars.length);
      for (let i = 0; i < a.chars.length; i++) {
        if (i > 0)
          expect(a.charStartTimesMs[i]).toBeGreaterThanOrEqual(
            a.charStartTimesMs[i - 1]! + a.charDurationsMs[i - 1]!,
          );
        expect(a.charDurationsMs[i]).toBeGreaterThanOrEqual(0);
      }
      expect(a.charStartTimesMs.at(-1)! + a.charDurationsMs.at(-1)!).toBeLessThanOrEqual(ms);
      spoken += a.chars.join('');
    }
    expect(spoken.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    c.ws.close();
  });

  it('drops a context at once when it is closed mid-reply (barge-in)', async () => {
    const c = socket();
    await c.upgrade;
    c.send({ text: sentences(8), context_id: 'long', flush: true });
    await c.until(() => c.json.some((m) => typeof m.audio === 'string'));
    c.send({ context_id: 'long', close_context: true });
    await c.until(() => c.json.some((m) => m.isFinal === true));
    const final = c.json.findIndex((m) => m.isFinal === true);
    // Nothing of that context after its isFinal, and far less than the 8 sentences before it.
    c.send({ text: 'Next.', context_id: 'next', flush: true });
    c.send({ text: '', context_id: 'next', flush: true });
    c.send({ context_id: 'next', close_context: true });
    await c.until(() => c.json.filter((m) => m.isFinal === true).length === 2);
    expect(c.json.slice(final + 1).every((m) => m.contextId === 'next')).toBe(true);
    expect(c.json.slice(0, final).filter((m) => typeof m.audio === 'string').length).toBeLessThan(
      8,
    );
    c.ws.close();
  });

  it('closes the socket once every context is done after close_socket', async () => {
    const c = socket();
    await c.upgrade;
    c.send({ text: 'One context.', context_id: 'x' });
    c.send({ close_socket: true });
    expect(await c.closed).toBe(1000);
    expect(c.json.filter((m) => typeof m.audio === 'string').length).toBeGreaterThan(0);
    expect(c.json.at(-1)).toMatchObject({ isFinal: true, contextId: 'x' });
  });
});

describe('the dialect doors in /metrics', () => {
  it("count each dialect's time to first audio under its own door label", async () => {
    const c = socket();
    await c.upgrade;
    c.send({ text: 'Counted.', context_id: 'm' });
    c.send({ close_socket: true });
    await c.closed;
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/kittentts_first_audio_seconds_count\{door="elevenlabs"\} [1-9]/);
  });
});

describe('the ElevenLabs stream-input socket', () => {
  it('speaks until the closing empty text, then sends isFinal and closes normally', async () => {
    const c = socket('expr-voice-3-m', 'output_format=pcm_24000', 'stream-input');
    await c.upgrade;
    c.send({ text: ' ' });
    c.send({ text: 'Hello ' });
    c.send({ text: 'world. ', try_trigger_generation: true });
    c.send({ text: '' });
    expect(await c.closed).toBe(1000);
    expect(c.json.filter((m) => typeof m.audio === 'string').length).toBeGreaterThan(0);
    expect(c.json.at(-1)).toMatchObject({ isFinal: true });
  });
});

async function failsWith(
  c: ReturnType<typeof socket>,
  error: string,
  send: WsMessage[] = [],
): Promise<void> {
  await c.upgrade;
  for (const m of send) c.send(m);
  expect(await c.closed).toBe(1008);
  const last = c.json.at(-1)!;
  expect(last).toMatchObject({ error, code: 1008 });
  expect(typeof last.message).toBe('string');
  expect((last.message as string).length).toBeLessThanOrEqual(200);
}

describe('bad input on the ElevenLabs sockets', () => {
  it('refuses an unknown voice', async () => {
    await failsWith(socket('Nobody'), 'voice_not_found');
  });

  it('refuses an output_format it does not know', async () => {
    await failsWith(socket('Bella', 'output_format=wav_99'), 'invalid_output_format');
  });

  it('refuses text longer than the text limit', async () => {
    await failsWith(socket(), 'text_too_long', [{ text: 'a'.repeat(30_000), context_id: 'a' }]);
  });

  it('refuses text for a context that was closed', async () => {
    await failsWith(socket(), 'context_closed', [
      { text: 'Hi.', context_id: 'a' },
      { context_id: 'a', close_context: true },
      { text: 'Again.', context_id: 'a' },
    ]);
  });

  it('refuses more contexts than KITTENTTS_DIALECT_MAX_CONTEXTS', async () => {
    await failsWith(socket(), 'max_active_conversations', [
      { text: 'One', context_id: 'a' },
      { text: 'Two', context_id: 'b' },
      { text: 'Three', context_id: 'c' },
    ]);
  });
});
