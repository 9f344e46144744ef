// Lays the stand-in nano model out the way sherpa-onnx's KittenTTS support expects it: the .onnx with
// the metadata sherpa's conversion script adds (model_type kitten-tts, version 8, end_id 10, …),
// voices.bin (the eight style tables as raw float32, speaker order), tokens.txt and espeak-ng data.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readModelDir } from '../../src/kitten/hub/model-store.js';
import { VOICE_KEYS, loadVoiceTables } from '../../src/kitten/voices.js';
import { SYMBOLS } from '../../src/kitten/frontend/tokenize.js';
import { MODEL_ID } from './standin-model.js';

/** sherpa's speaker order (its generate_voices_bin.py), i.e. sid 0..7. */
export const SHERPA_SPEAKERS = VOICE_KEYS; // upstream's key order is sherpa's speaker order

/** Where distributions put espeak-ng's data; sherpa needs a folder it can point espeak at. */
export const ESPEAK_DATA_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/espeak-ng-data',
  '/usr/lib/aarch64-linux-gnu/espeak-ng-data',
  '/usr/share/espeak-ng-data',
  '/usr/local/share/espeak-ng-data',
  '/opt/homebrew/share/espeak-ng-data',
];

export interface SherpaModelFiles {
  model: string;
  voices: string;
  tokens: string;
  dataDir: string | undefined;
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint((field << 3) | 2), ...varint(bytes.length), ...bytes]);
}

/**
 * ModelProto.metadata_props (field 14) entries. Protobuf merges repeated fields appended after a
 * message's bytes, so adding them to the end of the file is a valid edit with no ONNX library.
 */
export function metadataProps(entries: Record<string, string | number>): Uint8Array {
  const enc = new TextEncoder();
  const parts = Object.entries(entries).map(([key, value]) => {
    const entry = new Uint8Array([
      ...lengthDelimited(1, enc.encode(key)),
      ...lengthDelimited(2, enc.encode(String(value))),
    ]);
    return lengthDelimited(14, entry);
  });
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

export async function writeSherpaModel(
  standinDir: string,
  outDir: string,
): Promise<SherpaModelFiles> {
  await mkdir(outDir, { recursive: true });
  const files = await readModelDir(MODEL_ID, standinDir);
  const voiceBytes = await readFile(files.voicesPath);
  const tables = loadVoiceTables(
    new Uint8Array(voiceBytes.buffer, voiceBytes.byteOffset, voiceBytes.byteLength),
  );
  const first = tables.get(SHERPA_SPEAKERS[0])!;
  const meta = {
    model_type: 'kitten-tts',
    language: 'English',
    has_espeak: 1,
    sample_rate: 24000,
    version: 8,
    voice: 'en-us',
    max_token_len: 400,
    start_id: 0,
    end_id: 10,
    pad_id: 0,
    add_pad_after_end: 1,
    style_dim: `${first.rows},256`,
    n_speakers: SHERPA_SPEAKERS.length,
    speaker2id: SHERPA_SPEAKERS.map((s, i) => `${s}->${i}`).join(','),
    id2speaker: SHERPA_SPEAKERS.map((s, i) => `${i}->${s}`).join(','),
    speaker_names: SHERPA_SPEAKERS.join(','),
    speaker_speed_priors: SHERPA_SPEAKERS.map((s) => files.speedPriors[s] ?? 1).join(','),
  };
  const onnx = await readFile(files.modelPath);
  const out: SherpaModelFiles = {
    model: path.join(outDir, 'model.onnx'),
    voices: path.join(outDir, 'voices.bin'),
    tokens: path.join(outDir, 'tokens.txt'),
    dataDir: ESPEAK_DATA_CANDIDATES.find((d) => existsSync(path.join(d, 'phontab'))),
  };
  await writeFile(out.model, Buffer.concat([onnx, metadataProps(meta)]));
  const voices = SHERPA_SPEAKERS.map((s) => {
    const t = tables.get(s)!;
    return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  });
  await writeFile(out.voices, Buffer.concat(voices));
  // Upstream's vocabulary as sherpa's generate_tokens.py writes it: a later duplicate symbol wins.
  const ids = new Map<string, number>();
  SYMBOLS.forEach((s, i) => ids.set(s, i));
  await writeFile(out.tokens, [...ids].map(([s, i]) => `${s} ${i}\n`).join(''));
  return out;
}
