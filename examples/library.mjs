// The library API: load a model, synthesize to samples and to a file, stream LLM tokens.
// Run from the repository after `npm ci` (which builds dist/):  node examples/library.mjs
import { KittenTTS } from 'kittentts-gateway';

const tts = await KittenTTS.load('kitten-tts-nano'); // or a hub repo id, or a local folder
const samples = await tts.generate('Hello world! This is a test.', { voice: 'Jasper', speed: 1.0 });
console.log(
  `${samples.length} samples, ${(samples.length / tts.sampleRateHz).toFixed(2)} s at ${tts.sampleRateHz} Hz`,
);

await tts.generateToFile('Hello world!', 'output.wav', { voice: 'Jasper' });
console.log('voices:', tts.availableVoices.join(', '));

const streamer = tts.createStreamer({ voice: 'Jasper', speed: 1.0 });
for (const token of ['Hello', ' there', '! How', ' are', ' you', ' today', '?']) {
  for await (const chunk of streamer.addText(token)) console.log(`chunk: ${chunk.length} samples`);
}
for await (const chunk of streamer.flush()) console.log(`final chunk: ${chunk.length} samples`);
console.log(`buffered: "${streamer.bufferedText}"`);
streamer.close();
await tts.close();
