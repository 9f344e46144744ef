// What the dialects' HTTP routes share: a whole text spoken as a one-shot session (scheduled with
// the one-shot slack, counted under the door's metrics label), yielding each chunk's bytes in the
// client's format as it comes, with the chunk for its words; the encoder's last bytes at the end.
import type { AudioEvent } from '../../session/session-events.js';
import { errorOf } from '../../session/session-events.js';
import type { AppDeps, SessionDoor } from '../deps.js';
import { dialectEncoder } from './dialect-formats.js';
import type { ContextSettings } from './dialect-socket.js';

export interface SpokenPiece {
  readonly bytes: Uint8Array;
  /** The chunk the bytes are from (absent for the encoder's tail) and its start in the audio. */
  readonly ev?: AudioEvent;
  readonly offsetS: number;
}

export async function* spokenPieces(
  deps: Pick<AppDeps, 'openSession'>,
  door: SessionDoor,
  settings: ContextSettings,
  text: string,
  signal: AbortSignal,
): AsyncGenerator<SpokenPiece> {
  const encoder = dialectEncoder(settings.target);
  const { voice, modelId, normalize } = settings;
  const session = deps.openSession(
    {
      voice,
      modelId,
      firstChunk: 'auto',
      schedule: 'oneshot',
      ...(normalize === false ? { normalize } : {}),
    },
    door,
  );
  const onAbort = () => session.close();
  signal.addEventListener('abort', onAbort, { once: true });
  let offsetS = 0;
  try {
    session.pushText(text);
    session.end();
    for await (const ev of session) {
      if (ev.type === 'error') throw errorOf(ev);
      if (ev.type !== 'audio') continue;
      yield { bytes: encoder.write(ev.samples), ev, offsetS };
      offsetS += ev.durationS;
    }
    if (signal.aborted) return;
    const tail = encoder.end();
    if (tail.byteLength > 0) yield { bytes: tail, offsetS };
  } finally {
    signal.removeEventListener('abort', onAbort);
    encoder.close();
    session.close();
  }
}

/** A response body from the pieces, after the first was taken (its failure is a real status). */
export function pieceStream(
  first: SpokenPiece | undefined,
  rest: AsyncGenerator<SpokenPiece>,
  frame: (piece: SpokenPiece) => Uint8Array | string,
  onError: (err: unknown) => void,
): ReadableStream<Uint8Array> {
  const encode = (p: SpokenPiece) => {
    const out = frame(p);
    return typeof out === 'string' ? new TextEncoder().encode(out) : out;
  };
  let pending = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (pending) {
          controller.enqueue(encode(pending));
          pending = undefined;
          return;
        }
        const next = await rest.next();
        if (next.done) controller.close();
        else controller.enqueue(encode(next.value));
      } catch (err) {
        onError(err);
        controller.error(err);
      }
    },
    async cancel() {
      await rest.return(undefined);
    },
  });
}
