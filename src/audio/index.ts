// The audio encoders, one door for every caller: formats, PCM16 conversion, one-shot files and
// continuous streams (see stream-encoder.ts for which package encodes what).
export * from './stream-encoder.js';
