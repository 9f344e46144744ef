// Whether glibc will hand back what an idle worker's renewed session freed. glibc keeps freed
// blocks in the thread's heap (its mmap threshold rises to the largest block freed) unless the
// threshold is fixed when the process starts, through GLIBC_TUNABLES: `npm start` and the Docker
// image set it; `kittentts serve` or a bare `node dist/src/main.js` start without it. A process
// cannot set it for itself once running, so the gateway says so at start (docs/memory.md).

/** What `npm start` and the Docker image put in GLIBC_TUNABLES when it is unset. */
export const SHIPPED_GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=131072';

/** The environment variables glibc's allocator reads when the process starts. */
export interface AllocatorEnv {
  GLIBC_TUNABLES?: string | undefined;
  MALLOC_MMAP_THRESHOLD_?: string | undefined;
}

/** The advice to log at start, or null when there is none to give. */
export function allocatorHint(
  env: AllocatorEnv,
  glibcVersion: string | undefined,
  idleReleaseMs: number,
): string | null {
  if (glibcVersion === undefined || idleReleaseMs <= 0) return null;
  if (/(^|:)glibc\.malloc\.mmap_threshold=/.test(env.GLIBC_TUNABLES ?? '')) return null;
  if (env.MALLOC_MMAP_THRESHOLD_) return null;
  return (
    'glibc keeps what idle workers give back unless its mmap threshold is fixed at start: ' +
    `start the gateway with GLIBC_TUNABLES=${SHIPPED_GLIBC_TUNABLES} (npm start and the Docker image do)`
  );
}

/** The glibc this process runs on, or undefined (another libc, another platform). */
export function glibcRuntime(): string | undefined {
  const report = process.report;
  if (!report) return undefined;
  // The report resolves every open socket's peer unless told not to (a slow DNS would stall);
  // Node 20's typings predate the switch.
  (report as { excludeNetwork?: boolean }).excludeNetwork = true;
  const header = (report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  return header?.glibcVersionRuntime;
}
