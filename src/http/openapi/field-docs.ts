// The prose of the OpenAPI document: what each request field means (by its name, wherever it
// appears) and how the streaming protocols go, shown at the top of the document.
export const FIELD_DOCS: Readonly<Record<string, string>> = {
  text: 'The text to speak.',
  voice:
    'A voice name (Bella, Jasper, …), an expr-voice key, a saved voice (GET /v1/voices) or a blend such as "Luna(2)+Jasper(1)" (weights normalized).',
  speed: 'Speaking rate, 0.25–3.0 (1.0 is normal).',
  model: 'A model id from GET /api/models; the server default when omitted.',
  format:
    'Audio format of each chunk: wav and the raw formats (pcm s16le, pcm_f32le, mulaw, alaw; no header) play on their own; mp3, opus and flac chunks are pieces of one continuous stream. mulaw and alaw are G.711 (8 kHz unless sample_rate says otherwise).',
  sample_rate:
    'Output rate in Hz (an extension): 8000, 16000, 22050, 24000, 44100 or 48000 (opus: 8000, 16000, 24000, 48000). Default: 8000 for mulaw/alaw, else 24000 (the model). Other rates are resampled as one stream, so a resampled stream ends with `audio_end` carrying its last few milliseconds. See docs/audio-formats.md.',
  first_chunk:
    '`clause` lets the first audio of a turn start at a clause boundary (lower latency); later chunks are whole sentences.',
  encoding:
    '`binary`: audio as a binary frame after each `audio` event; `json`: base64 inside the event.',
  flush: 'Synthesize everything buffered now, even without a sentence end.',
  redis:
    '`required` (default): 503 while a configured Redis is unreachable. `optional`: 200 then, with `session_store: "unreachable"` (for balancers: a shared-Redis outage must not take every replica out).',
  timestamps:
    'Word timestamps: `true` (POST /api/generate) adds a top-level `words` list; `word` (streaming doors) adds `words` to every `audio` event, timed from the start of that chunk. See the Word schema.',
  session_id: 'The id POST /api/stream/start returned.',
  api_key: 'The API key, for WebSocket clients that cannot send headers.',
  trace:
    'Debugging: `1` sends a `trace` event for each stage of each chunk (text complete, enqueued, dispatched, synthesized, encoded, sent), the last with the estimated play-out start and, for a late chunk, its stall and cause (docs/realtime.md). Default: KITTENTTS_TRACE.',
  id: 'A model id.',
  file: 'A file of the playground: one of its ES modules (`app.js`, `stream.js`, `waveform.js`, …) or `style.css`.',
};

export const DOCS_PROTOCOLS = [
  'Streaming: text is segmented into sentences as it arrives; each finished sentence is synthesized at once and its audio delivered in order (`seq` 0, 1, 2, …).',
  'WebSocket (`GET /api/stream/ws`): send JSON text frames `{"type":"text","text":"…"}`, `{"type":"flush"}`, `{"type":"cancel"}` (optionally with `"played_s"`), `{"type":"end"}`, `{"type":"config","voice":"…","speed":1.2}`. The server answers `ready` on open, then per chunk an `audio` event `{seq,text,duration,sample_rate,format,bytes}` followed by one binary frame of that many bytes; `flushed`, `cancelled`, `configured`, `error` and finally `done` before closing with 1000. A turn that must wait for the workers (turn admission) is preceded by `turn_queued` `{position,expected_wait_s}` and `turn_started` `{waited_s}`.',
  'Word timestamps (`timestamps=word` on the WebSocket and the SSE subscriber, `"timestamps":"word"` in the one-shot SSE body): every `audio` event also carries `words`, a list of Word objects `{text,start,end,chars?,shared?}` timed from the start of that chunk, `chars` pointing into its `text`. Without the option events are unchanged.',
  'Barge-in: `{"type":"cancel","played_s":3.2}` says how many seconds of this turn the listener heard (a turn starts with the first audio after a `flushed` or a `cancel`, as for `playback`); `cancelled` then carries `spoken_text` (the turn up to the end of the last word heard in full) and `unspoken_text` (the rest, the buffered text included); together they are the turn\'s text, modulo whitespace. Without `played_s`, `cancelled` carries the two texts only with `timestamps=word`, counting everything sent as heard.',
  'SSE (`POST /api/generate/stream`, `GET /api/stream/events`): `audio` events with `{seq,text,duration,sample_rate,format,audio_base64}`, then `done` (one-shot) or `ended` (session); `error` events carry `{detail}`.',
].join('\n\n');
