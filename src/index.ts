// Public entry point of the package: the library API, the server, and the building blocks a user
// may want on their own (audio encoders, the text front-end).
export {
  KittenTTS,
  DEFAULT_LIBRARY_VOICE,
  type KittenTTSOptions,
  type GenerateOptions,
} from './lib/kitten-tts.js';
export { KittenStreamer, type StreamerOptions } from './lib/streamer.js';
export type { Word } from './engine/word-timings.js';
export { startGateway, type Gateway } from './gateway.js';
export { loadConfig, type Config } from './config.js';
export { VOICES } from './kitten/voices.js';
export { SEED_MODELS, DEFAULT_MODEL_ID } from './kitten/hub/model-registry.js';
export { encodeWav, createStreamEncoder, encodeAudio, type AudioFormat } from './audio/index.js';
