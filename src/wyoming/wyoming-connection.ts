// One Wyoming client connection: its events, handled one after another as `wyoming`'s
// AsyncEventHandler does, over the gateway's TtsSession (the door adds no synthesis of its own).
//   describe → info;  ping → pong
//   synthesize → audio-start, an audio-chunk per sentence as it is ready, audio-stop (one-shot)
//   synthesize-start, synthesize-chunk…, synthesize-stop → the audio of each sentence as soon as it
//     is complete (a real-time session, like the WebSocket door), then synthesize-stopped.
//     Home Assistant also sends the whole text as `synthesize` inside the stream, "for backwards
//     compatibility"; inside a stream it is ignored, as wyoming-piper does.
// A bad event is answered with `error` and the connection carries on, except a `synthesize` that
// ends without `audio-stop` (refused, or no sentence of it could be spoken): after its `error` the
// connection ends, as wyoming-piper's does, since Home Assistant's one-shot read waits for
// `audio-stop` or the end of the stream and does not read `error`.
import { GatewayError } from '../errors.js';
import type { TtsSession } from '../session/tts-session.js';
import type { WyomingEvent } from './event.js';
import { AudioResponse, type EventWriter } from './event-writer.js';
import { infoEvent } from './info.js';
import {
  WyomingRequestError,
  chunkText,
  parseSynthesize,
  parseSynthesizeStart,
} from './tts-requests.js';
import { countedType, type WyomingDeps } from './wyoming-deps.js';

/** An open text stream; `session` is undefined when synthesize-start was refused (its chunks are dropped). */
interface Stream {
  session: TtsSession | undefined;
  pump: Promise<void>;
}

/** The longest `ping` text (as JSON) echoed in `pong`: a liveness check, not a mirror for megabytes. */
const MAX_PING_TEXT_CHARS = 1024;

const KNOWN = 'describe, ping, synthesize, synthesize-start, synthesize-chunk and synthesize-stop';

export class WyomingConnection {
  private stream: Stream | undefined;
  private oneShot: TtsSession | undefined;
  private closed = false;

  constructor(
    private readonly deps: WyomingDeps,
    private readonly out: EventWriter,
    private readonly draining: () => boolean,
  ) {}

  /** A synthesis running. */
  get working(): boolean {
    return this.oneShot !== undefined || this.stream?.session?.busy === true;
  }

  /** Work in flight: a synthesis running, or audio not yet sent. */
  get busy(): boolean {
    return this.working || this.out.unsentBytes > 0;
  }

  async handle(event: WyomingEvent): Promise<void> {
    const errorsBefore = this.out.errors;
    try {
      await this.dispatch(event);
    } catch (err) {
      this.fail(err);
    }
    const outcome = this.out.errors > errorsBefore ? 'error' : 'ok';
    this.deps.onEvent?.(countedType(event.type), outcome);
  }

  /** A `synthesize` whose answer has no `audio-stop`: `error`, then the connection ends. */
  private async oneShotOrEnd(data: Readonly<Record<string, unknown>>): Promise<void> {
    let stopped = false;
    try {
      stopped = await this.synthesize(data);
    } catch (err) {
      this.fail(err);
    }
    if (!stopped) this.out.end();
  }

  /** The client went away (or the server is closing): drop all work. */
  close(): void {
    this.closed = true;
    this.stream?.session?.close();
    this.oneShot?.close();
  }

  private async dispatch(event: WyomingEvent): Promise<void> {
    const { type, data } = event;
    switch (type) {
      case 'describe':
        this.out.write(infoEvent({ modelId: this.deps.modelId, modelRepo: this.deps.modelRepo }));
        return;
      case 'ping':
        // Measured as written back (JSON), whatever its type: a client may send anything there.
        if (JSON.stringify(data.text ?? null).length > MAX_PING_TEXT_CHARS) {
          throw new WyomingRequestError(
            `ping: the text is longer than ${MAX_PING_TEXT_CHARS} characters; it would be echoed in pong.`,
          );
        }
        this.out.write({ type: 'pong', data: { text: data.text ?? null } });
        return;
      case 'synthesize':
        if (this.stream) return; // the stream's compatibility copy of its text
        return this.oneShotOrEnd(data);
      case 'synthesize-start':
        return this.startStream(data);
      case 'synthesize-chunk':
        return this.pushChunk(data);
      case 'synthesize-stop':
        return this.stopStream();
      default:
        throw new WyomingRequestError(
          `Unknown event type '${type.slice(0, 64)}': this server answers ${KNOWN}.`,
        );
    }
  }

  private fail(err: unknown): void {
    if (err instanceof WyomingRequestError || err instanceof GatewayError) {
      return this.out.error(err.message, err.code);
    }
    this.deps.log?.('error', 'wyoming event failed', { error: String(err) });
    this.out.error('internal error', 'internal');
  }

  private checkOpen(): void {
    if (this.draining()) {
      throw new GatewayError(503, 'shutting_down', 'The server is shutting down; retry shortly.');
    }
  }

  /** One-shot: every sentence of the text, in order, as one audio response; true if it had audio. */
  private async synthesize(data: Readonly<Record<string, unknown>>): Promise<boolean> {
    const req = parseSynthesize(data, this.deps.limits.maxTextChars, this.deps.savedVoice);
    this.checkOpen();
    await this.deps.ensureModel(this.deps.modelId);
    // The client may have gone, or the drain begun, while the model loaded.
    if (this.closed) return false;
    this.checkOpen();
    const session = this.deps.openSession(
      {
        modelId: this.deps.modelId,
        voice: req.voice,
        // Whole sentences, as /api/generate cuts them: the same samples as its answer.
        firstChunk: 'sentence',
        schedule: 'oneshot',
        maxBufferedChars: this.deps.limits.maxTextChars,
      },
      'wyoming',
    );
    this.oneShot = session;
    try {
      session.pushText(req.text);
      session.end();
      return await this.pump(session);
    } finally {
      this.oneShot = undefined;
      session.close();
    }
  }

  private async startStream(data: Readonly<Record<string, unknown>>): Promise<void> {
    if (this.stream) {
      throw new WyomingRequestError(
        'synthesize-start: a text stream is already open; send synthesize-stop first.',
      );
    }
    // Until synthesize-stop, this connection is in a stream even if it could not open: the
    // chunks that follow are dropped quietly and synthesize-stop still ends it.
    const stream: Stream = { session: undefined, pump: Promise.resolve() };
    this.stream = stream;
    const { voice } = parseSynthesizeStart(data, this.deps.savedVoice);
    this.checkOpen();
    await this.deps.ensureModel(this.deps.modelId);
    if (this.closed || this.stream !== stream) return;
    // A listener plays the audio as it comes: a real-time session, as the WebSocket door opens.
    stream.session = this.deps.openSession(
      { modelId: this.deps.modelId, voice, firstChunk: 'auto', schedule: 'realtime' },
      'wyoming',
    );
    stream.pump = this.pump(stream.session).then(
      () => undefined,
      (err: unknown) => this.fail(err),
    );
  }

  private pushChunk(data: Readonly<Record<string, unknown>>): void {
    if (!this.stream) {
      throw new WyomingRequestError(
        'synthesize-chunk outside a text stream: send synthesize-start first.',
      );
    }
    const text = chunkText(data);
    this.stream.session?.pushText(text);
  }

  private async stopStream(): Promise<void> {
    const stream = this.stream;
    if (!stream) {
      throw new WyomingRequestError('synthesize-stop without synthesize-start.');
    }
    try {
      stream.session?.end();
      await stream.pump;
    } finally {
      this.stream = undefined;
      stream.session?.close();
    }
    this.out.write({ type: 'synthesize-stopped', data: {} });
  }

  /**
   * Sends a session's audio until it completes; a failed sentence is an `error`, the rest go on.
   * Audio once started always ends with `audio-stop`. True when it did (there was audio).
   */
  private async pump(session: TtsSession): Promise<boolean> {
    const audio = new AudioResponse(this.out);
    try {
      for await (const ev of session) {
        if (!this.out.open) break;
        if (ev.type === 'audio') await audio.chunk(ev);
        else if (ev.type === 'error') this.out.error(ev.detail, ev.code);
      }
    } finally {
      audio.stop();
    }
    return audio.started;
  }
}
