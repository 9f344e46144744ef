// Download progress for the CLI: a redrawn bar on a terminal, periodic plain log lines otherwise
// (CI logs and `docker build` output must not fill with carriage returns). Thirty lines do what a
// progress-bar package would, so none is added.
import type { HubProgress } from '../kitten/hub/hub.js';

export interface ProgressRendererOptions {
  /** Draw a bar redrawn in place. Default: the stream's own isTTY. */
  isTTY?: boolean;
  /** Without a terminal: at most one line per file this often (start and end always print). Default 5 s. */
  logIntervalMs?: number;
  /** Bar width in characters. Default 30. */
  barChars?: number;
  /** Clock, for tests. */
  nowMs?: () => number;
}

export const DEFAULT_PROGRESS_RENDERER_OPTIONS = {
  logIntervalMs: 5_000,
  barChars: 30,
} as const;

export interface ProgressRenderer {
  update(progress: HubProgress): void;
  /** Ends the current file's line; call once the download is over (or failed). */
  finish(): void;
}

const UNITS = ['B', 'kB', 'MB', 'GB'] as const;

/** Decimal units, as Hugging Face and `du --si` show sizes: 56.3 MB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/** One progress line without the leading carriage return: `voices.npz [####----]  45%  1.2 MB / 3.3 MB`. */
export function formatProgressLine(p: HubProgress, barChars: number): string {
  const got = formatBytes(p.receivedBytes);
  if (p.totalBytes === null || p.totalBytes <= 0) return `${p.file}  ${got}`;
  const ratio = Math.min(1, p.receivedBytes / p.totalBytes);
  const filled = Math.round(ratio * barChars);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(barChars - filled)}`;
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${p.file} [${bar}] ${pct}  ${got} / ${formatBytes(p.totalBytes)}`;
}

export function createProgressRenderer(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: ProgressRendererOptions = {},
): ProgressRenderer {
  const isTTY = options.isTTY ?? stream.isTTY === true;
  const logIntervalMs = options.logIntervalMs ?? DEFAULT_PROGRESS_RENDERER_OPTIONS.logIntervalMs;
  const barChars = options.barChars ?? DEFAULT_PROGRESS_RENDERER_OPTIONS.barChars;
  const nowMs = options.nowMs ?? (() => performance.now());
  let current: HubProgress | undefined;
  let lastLogMs = -Infinity;
  let widthChars = 0;
  let loggedComplete = false;

  const complete = (p: HubProgress) => p.totalBytes !== null && p.receivedBytes >= p.totalBytes;

  function endLine(): void {
    if (!current) return;
    if (isTTY) stream.write('\n');
    else if (!complete(current)) stream.write(`${formatProgressLine(current, barChars)}\n`);
    current = undefined;
    widthChars = 0;
    loggedComplete = false;
  }

  return {
    update(p) {
      if (current && current.file !== p.file) endLine();
      const first = current === undefined;
      current = p;
      if (isTTY) {
        const line = formatProgressLine(p, barChars);
        // Pad over the previous, possibly longer, line instead of relying on an erase sequence.
        stream.write(`\r${line.padEnd(widthChars)}`);
        widthChars = line.length;
        return;
      }
      const now = nowMs();
      if (loggedComplete) return;
      if (first || complete(p) || now - lastLogMs >= logIntervalMs) {
        stream.write(`${formatProgressLine(p, barChars)}\n`);
        lastLogMs = now;
        loggedComplete = complete(p);
      }
    },
    finish: endLine,
  };
}
