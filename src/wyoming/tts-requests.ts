// The fields of the TTS events a client sends (`wyoming`'s tts.py: Synthesize, SynthesizeStart,
// SynthesizeChunk, SynthesizeVoice), checked, with a clear text for what is wrong. `voice.name`
// picks one of the eight voices; `voice.language` alone (every voice is English) and
// `voice.speaker` (no voice has several speakers) change nothing; `text_format` other than plain
// text is refused.
import { echo } from '../errors.js';
import { VOICES, isKnownVoice } from '../kitten/voices.js';

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
function voiceOf(event: string, data: Readonly<Record<string, unknown>>): string {
  const voice = data.voice;
  if (voice === undefined || voice === null) return DEFAULT_WYOMING_VOICE;
  if (!isObject(voice)) throw new WyomingRequestError(`${event}: "voice" must be an object.`);
  if (voice.name === undefined || voice.name === null) return DEFAULT_WYOMING_VOICE;
  if (!isKnownVoice(voice.name)) {
    throw new WyomingRequestError(
      `${event}: unknown voice '${echo(String(voice.name), 64)}'; choose one of ${VOICE_NAMES}.`,
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
  return { text, voice: voiceOf('synthesize', data) };
}

export function parseSynthesizeStart(data: Readonly<Record<string, unknown>>): { voice: string } {
  checkTextFormat('synthesize-start', data);
  return { voice: voiceOf('synthesize-start', data) };
}

export function chunkText(data: Readonly<Record<string, unknown>>): string {
  if (typeof data.text !== 'string') {
    throw new WyomingRequestError('synthesize-chunk: "text" must be a string.', 'invalid_text');
  }
  return data.text;
}
