// Audio helpers of the playground: base64, PCM and WAV bytes, decoding to an AudioBuffer, and a
// reader for text/event-stream bodies (EventSource cannot POST).
export function base64ToBytes(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** s16le mono → AudioBuffer at the stream's rate; the context resamples on playback. */
export function pcmToBuffer(ctx, bytes, sampleRateHz) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.floor(bytes.byteLength / 2);
  const buffer = ctx.createBuffer(1, Math.max(n, 1), sampleRateHz);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < n; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
  return buffer;
}

/** A 44-byte WAV header around raw PCM so the <audio> element can play a pcm result. */
export function wavFromPcm(pcm, sampleRateHz) {
  const header = new DataView(new ArrayBuffer(44));
  const text = (o, s) => [...s].forEach((ch, i) => header.setUint8(o + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  header.setUint32(4, 36 + pcm.byteLength, true);
  text(8, 'WAVEfmt ');
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, 1, true);
  header.setUint32(24, sampleRateHz, true);
  header.setUint32(28, sampleRateHz * 2, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  text(36, 'data');
  header.setUint32(40, pcm.byteLength, true);
  return concatBytes([new Uint8Array(header.buffer), pcm]);
}

export async function decode(ctx, bytes, format, sampleRateHz) {
  if (format === 'pcm') return pcmToBuffer(ctx, bytes, sampleRateHz);
  // decodeAudioData detaches its argument: hand it a copy.
  return ctx.decodeAudioData(bytes.slice().buffer);
}

export function describeBuffer(buffer) {
  let peak = 0;
  const data = buffer.getChannelData(0);
  for (let i = 0; i < data.length; i++) peak = Math.max(peak, Math.abs(data[i]));
  return { duration: buffer.duration, sampleRate: buffer.sampleRate, length: buffer.length, peak };
}

/** Parses a text/event-stream body into {event, data} objects. */
export async function* sseEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value: piece, done } = await reader.read();
    if (done) break;
    buffer += piece.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) yield { event, data: JSON.parse(data.join('\n')) };
    }
  }
}
