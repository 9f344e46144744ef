// A lean /api/generate client for throughput runs where the load generator shares the cores with
// what it measures (bench/sherpa.ts): node:http on kept-alive sockets, the answer's bytes counted
// and dropped, only its last bytes kept to read `duration`. fetch() plus JSON.parse of a ~240 KB
// base64 answer costs the client several ms of CPU per synthesis that an in-process engine never
// pays; this keeps what the client charges the gateway small, and bench/sherpa.ts reports it.
import http from 'node:http';

/** Bytes kept from the end of an answer: `duration` and `debug_info` follow the audio. */
const TAIL_BYTES = 1024;

export interface LeanClient {
  generate(body: unknown): Promise<{ ok: boolean; durationS: number; bytes: number }>;
  close(): void;
}

export function leanClient(baseUrl: string): LeanClient {
  const url = new URL('/api/generate', baseUrl);
  const agent = new http.Agent({ keepAlive: true });
  const generate = (body: unknown) =>
    new Promise<{ ok: boolean; durationS: number; bytes: number }>((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify(body));
      const req = http.request(url, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      });
      req.on('response', (res) => {
        let tail: Buffer = Buffer.alloc(0);
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          tail = chunk.length >= TAIL_BYTES ? chunk : Buffer.concat([tail, chunk]);
          if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
        });
        res.on('end', () => {
          const duration = /"duration":([0-9.eE+-]+)/.exec(tail.toString('latin1'))?.[1];
          resolve({ ok: res.statusCode === 200, durationS: Number(duration ?? 0), bytes });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { generate, close: () => agent.destroy() };
}
