// KITTENTTS_SYNTH_CACHE_WARMUP: phrases synthesized into the synthesis cache at start-up, so the
// first caller of the day hears "One moment, please." without waiting for a worker. The file is
// JSON lines, one model and voice per line (docs/architecture.md "Synthesis cache"):
//   {"voice": "Jasper", "texts": ["Sure.", "One moment, please."]}
//   {"model": "kitten-tts-micro", "voice": "Bella", "speed": 1.2, "texts": ["The garage door is open."]}
// Blank lines and lines starting with # are skipped. A bad file stops the start with a message
// naming the line; the phrases themselves are synthesized in the background, after every other job.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { voiceProblem } from '../kitten/voice-blend.js';

export interface WarmupEntry {
  readonly model: string;
  readonly voice: string;
  readonly speed: number;
  readonly texts: readonly string[];
}

const line = (defaultModel: string) =>
  z.strictObject({
    model: z.string().min(1).default(defaultModel),
    voice: z
      .string()
      .refine(
        (v) => voiceProblem(v) === undefined,
        'is not one of the eight voices or a blend of them',
      ),
    speed: z.number().min(0.1).max(5).default(1),
    texts: z.array(z.string().trim().min(1)).min(1),
  });

export function readWarmupFile(file: string, defaultModel: string): WarmupEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`KITTENTTS_SYNTH_CACHE_WARMUP: cannot read ${file}: ${String(err)}`);
  }
  const schema = line(defaultModel);
  const entries: WarmupEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = `KITTENTTS_SYNTH_CACHE_WARMUP ${file}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new ConfigError(`${where}: not a JSON object`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`${where}: ${issue.path.join('.') || 'line'} ${issue.message}`);
    }
    entries.push(parsed.data);
  });
  return entries;
}

/**
 * Synthesizes every phrase once, one at a time and due after everything else (deadline: never),
 * so live traffic always goes first. Resolves with how many phrases were cached; failures are logged.
 */
export async function warmCache(
  engine: Engine,
  entries: readonly WarmupEntry[],
  onError: (entry: WarmupEntry, text: string, err: unknown) => void,
  signal?: AbortSignal,
): Promise<number> {
  let done = 0;
  for (const entry of entries) {
    for (const text of entry.texts) {
      if (signal?.aborted) return done; // shutting down: warm-up never holds the exit
      try {
        await engine.synthesize({
          modelId: entry.model,
          voice: entry.voice,
          speed: entry.speed,
          text,
          schedule: { kind: 'oneshot', neededAtMs: () => Number.POSITIVE_INFINITY },
          signal,
          internal: true,
        });
        done++;
      } catch (err) {
        if (signal?.aborted) return done;
        onError(entry, text, err);
      }
    }
  }
  return done;
}
