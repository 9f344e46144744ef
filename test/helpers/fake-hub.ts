// A Hugging Face-shaped hub on 127.0.0.1 for tests that download models through a real gateway:
// HEAD/GET /{repo}/resolve/{rev}/{file} with the hub's headers (X-Repo-Commit, ETag), every file
// but config.json redirected to /cdn/{sha256} as LFS files are (X-Linked-Etag/-Size), Range honoured.
// `stall` makes one file's transfer send its first bytes and then nothing, to hold a download open.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const gitSha1 = (b: Uint8Array) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export interface FakeHub {
  readonly server: Server;
  readonly base: string;
  /** `METHOD url` of every request, in order. */
  readonly requests: string[];
  /** A file name whose body stalls after its first 1000 bytes (until the connection closes). */
  stall: string | undefined;
  close(): Promise<void>;
}

/** Every file of a folder (the stand-in model's), as a repo's files. */
export function folderFiles(dir: string): Record<string, Uint8Array> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
}

/** Serves `repos` (repo id → file name → bytes), all at `commit`. */
export function startFakeHub(
  repos: Record<string, Record<string, Uint8Array>>,
  commit: string,
): Promise<FakeHub> {
  const requests: string[] = [];
  const hub = { requests, stall: undefined } as { -readonly [K in keyof FakeHub]: FakeHub[K] };
  const blobs = new Map<string, [string, Uint8Array]>();
  for (const files of Object.values(repos))
    for (const [name, bytes] of Object.entries(files)) blobs.set(sha256(bytes), [name, bytes]);

  const serveCdn = (req: IncomingMessage, res: ServerResponse, sha: string) => {
    const [name, bytes] = blobs.get(sha) ?? [];
    if (!bytes) return void res.writeHead(404).end();
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const headers = { 'content-length': String(bytes.length - start) };
    if (start > 0)
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      });
    else res.writeHead(200, headers);
    if (name === hub.stall) return void res.write(bytes.subarray(start, start + 1000));
    res.end(bytes.subarray(start));
  };

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(req.url!);
    if (cdn) return serveCdn(req, res, cdn[1]!);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(req.url!);
    const file = m ? decodeURIComponent(m[2]!) : '';
    const bytes = m ? repos[m[1]!]?.[file] : undefined;
    if (!bytes) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
    if (file !== 'config.json') {
      return void res
        .writeHead(302, {
          location: `${hub.base}/cdn/${sha256(bytes)}`,
          'x-repo-commit': commit,
          'x-linked-etag': `"${sha256(bytes)}"`,
          'x-linked-size': String(bytes.length),
        })
        .end();
    }
    res.writeHead(200, {
      'x-repo-commit': commit,
      etag: `"${gitSha1(bytes)}"`,
      'content-length': bytes.length,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  hub.server = server;
  hub.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      hub.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(hub);
    }),
  );
}
