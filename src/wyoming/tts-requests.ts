// The fields of the TTS events a client sends (`wyoming`'s tts.py: Synthesize, SynthesizeStart,
// SynthesizeChunk, SynthesizeVoice), checked, with a clear text for what is wrong. `voice.name`
// picks one of the eight voices; `voice.language` alone (every voice is English) and
// `voice.speaker` (no voice has several speakers) change nothing; `text_format` other than plain
// text is refused.
import { echo } from '../errors.js';
import { voiceProblem, type SavedVoiceLookup } from '../kitten/voice-blend.js';
import { VOICES } from '../kitten/voices.js';

const DEFAULT_WYOMING_VOICE = VOICES[0]!.id;

const VOICE_NAMES = VOICES.map((v) => v.id).join(', ');

export class WyomingRequestError extends Error {
  constructor(
    message: string,
    readonly code = 'bad_request',
  ) {
    super(message);
    this.name = 'WyomingRequestError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The voice a `synthesize` / `synthesize-start` asks for (the default when it names none). */
function voiceOf(
  event: string,
  data: Readonly<Record<string, unknown>>,
  saved?: SavedVoiceLookup,
): string {
  const voice = data.voice;
  if (voice === undefined || voice === null) return DEFAULT_WYOMING_VOICE;
  if (!isObject(voice)) throw new WyomingRequestError(`${event}: "voice" must be an object.`);
  if (voice.name === undefined || voice.name === null) return DEFAULT_WYOMING_VOICE;
  const problem = voiceProblem(voice.name, saved);
  if (problem !== undefined) {
    // A blend's own problem is named; a plain unknown name gets the list of voices.
    const plain = typeof voice.name === 'string' && !/[+(]/.test(voice.name);
    throw new WyomingRequestError(
      plain
        ? `${event}: unknown voice '${echo(String(voice.name), 64)}'; choose one of ${VOICE_NAMES}.`
        : `${event}: voice '${echo(String(voice.name), 64)}': ${echo(problem, 100)}.`,
      'invalid_voice',
    );
  }
  return voice.name as string;
}

function checkTextFormat(event: string, data: Readonly<Record<string, unknown>>): void {
  const format = data.text_format;
  if (format !== undefined && format !== null && format !== 'text') {
    throw new WyomingRequestError(
      `${event}: text_format '${echo(String(format), 32)}' is not supported; send plain text.`,
    );
  }
}

export interface SynthesizeRequest {
  text: string;
  voice: string;
}

export function parseSynthesize(
  data: Readonly<Record<string, unknown>>,
  maxTextChars: number,
  saved?: SavedVoiceLookup,
): SynthesizeRequest {
  const { text } = data;
  if (typeof text !== 'string') {
    throw new WyomingRequestError('synthesize: "text" must be a string.', 'invalid_text');
  }
  if (text.trim() === '') {
    throw new WyomingRequestError('synthesize: "text" is empty.', 'invalid_text');
  }
  if (text.length > maxTextChars) {
    throw new WyomingRequestError(
      `synthesize: the text has ${text.length} characters; the limit is ${maxTextChars}.`,
      'invalid_text',
    );
  }
  checkTextFormat('synthesize', data);
  return { text, voice: voiceOf('synthesize', data, saved) };
}

export function parseSynthesizeStart(
  data: Readonly<Record<string, unknown>>,
  saved?: SavedVoiceLookup,
): { voice: string } {
  checkTextFormat('synthesize-start', data);
  return { voice: voiceOf('synthesize-start', data, saved) };
}

export function chunkText(data: Readonly<Record<string, unknown>>): string {
  if (typeof data.text !== 'string') {
    throw new WyomingRequestError('synthesize-chunk: "text" must be a string.', 'invalid_text');
  }
  return data.text;
}
