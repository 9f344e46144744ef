// μ-law and A-law against ITU-T G.711 itself: the decoder output value of every one of the 256
// character signals (Tables 1a/2a of the Recommendation, rebuilt here from their segment
// structure), every table value encoding back to its own code, and every 16-bit input landing
// in the quantization interval whose output value is nearest.
import { describe, expect, it } from 'vitest';
import {
  createStreamEncoder,
  decodeG711,
  encodeAudio,
  encodeG711,
} from '../../src/audio/stream-encoder.js';

interface TableRow {
  code: number;
  /** The decoder output value, in 16-bit PCM. */
  value: number;
  /** The width of its quantization interval, in 16-bit PCM: the decision values are value ± step/2. */
  step: number;
}

/**
 * G.711 Table 1a (A-law): 8 segments of 16 steps. In the Recommendation's 13-bit scale segment 0
 * has outputs 1, 3, …, 31, segment s ≥ 1 has (2m + 33) × 2^(s−1) (33 … 4032); 16-bit PCM is × 8.
 * The character signal is sign (1 = positive), segment, step, with the even bits inverted.
 */
function aLawTable(): TableRow[] {
  const rows: TableRow[] = [];
  for (const positive of [true, false]) {
    for (let s = 0; s < 8; s++) {
      for (let m = 0; m < 16; m++) {
        const magnitude = s === 0 ? 2 * m + 1 : (2 * m + 33) << (s - 1);
        const code = ((positive ? 0x80 : 0) | (s << 4) | m) ^ 0x55;
        const step = 8 * (s === 0 ? 2 : 1 << s);
        rows.push({ code, value: (positive ? 8 : -8) * magnitude || 0, step });
      }
    }
  }
  return rows;
}

/**
 * G.711 Table 2a (μ-law): 8 segments of 16 steps, outputs (2m + 33) × 2^s − 33 in the
 * Recommendation's scale (0 … 8031); 16-bit PCM is × 4. The character signal is the complement of
 * sign (1 = negative), segment, step.
 */
function muLawTable(): TableRow[] {
  const rows: TableRow[] = [];
  for (const positive of [true, false]) {
    for (let s = 0; s < 8; s++) {
      for (let m = 0; m < 16; m++) {
        const magnitude = ((2 * m + 33) << s) - 33;
        const code = ~((positive ? 0 : 0x80) | (s << 4) | m) & 0xff;
        rows.push({ code, value: (positive ? 4 : -4) * magnitude || 0, step: 4 << (s + 1) });
      }
    }
  }
  return rows;
}

const TABLES = { alaw: aLawTable(), mulaw: muLawTable() } as const;
const toFloat = (pcm: readonly number[]): Float32Array => Float32Array.from(pcm, (v) => v / 32767);

describe('G.711 codecs', () => {
  for (const law of ['alaw', 'mulaw'] as const) {
    const table = TABLES[law];

    it(`${law}: decodes all 256 character signals to the G.711 table's output values`, () => {
      expect(new Set(table.map((r) => r.code)).size).toBe(256);
      const decoded = decodeG711(
        law,
        Uint8Array.from(table, (r) => r.code),
      );
      expect(Array.from(decoded)).toEqual(table.map((r) => r.value));
    });

    it(`${law}: encodes every table output value back to its own code`, () => {
      // μ-law has two zeros (+0 and −0): a zero sample is sent as +0 (0xFF).
      const rows = table.filter((r) => !(law === 'mulaw' && r.code === 0x7f));
      const codes = encodeG711(law, toFloat(rows.map((r) => r.value)));
      expect(Array.from(codes)).toEqual(rows.map((r) => r.code));
    });

    it(`${law}: quantizes every 16-bit input into its G.711 decision interval`, () => {
      const steps = new Map(table.map((r) => [r.value, r.step]));
      const top = Math.max(...steps.keys());
      // G.711 works on 13-bit (A-law) or 14-bit (μ-law) samples: one unit of those is the slack.
      const unit = law === 'alaw' ? 8 : 4;
      const inputs = Array.from({ length: 65535 }, (_, i) => i - 32767);
      const out = decodeG711(law, encodeG711(law, toFloat(inputs)));
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i]!;
        const y = out[i]!;
        const step = steps.get(y);
        expect(step, `${x} decoded to ${y}, not a table value`).toBeDefined();
        if (Math.abs(x) > top && Math.abs(y) === top) continue; // beyond the last output: clipped
        expect(Math.abs(x - y), `${x} → ${y}`).toBeLessThanOrEqual(step! / 2 + unit);
      }
    });

    it(`${law}: streams the same bytes as one-shot, one byte per sample`, () => {
      const samples = Float32Array.from({ length: 4000 }, (_, i) => 0.6 * Math.sin(i / 7));
      const encoder = createStreamEncoder(law, { sampleRateHz: 8000 });
      const streamed = Buffer.concat([
        encoder.write(samples.subarray(0, 1234)),
        encoder.write(samples.subarray(1234)),
        encoder.end(),
      ]);
      expect(streamed).toEqual(Buffer.from(encodeAudio(law, samples, 8000)));
      expect(streamed.length).toBe(samples.length);
    });
  }
});
