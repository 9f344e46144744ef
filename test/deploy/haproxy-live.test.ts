// deploy/haproxy.cfg run for real in front of three real gateways on 127.0.0.1: only the addresses
// change (compose's names become 127.0.0.1 ports) and a stats socket is added to see the health
// checks; balancing, timeouts, retries and the check on the readiness route are the file's own.
// A stand-in replica that dies on every POST shows that such a request is not replayed elsewhere.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient } from '../helpers/ws-client.js';

const HAPROXY = ['haproxy', '/usr/sbin/haproxy'].find((bin) => spawnSync(bin, ['-v']).status === 0);

/** The deploy config with its bind and server addresses replaced, plus a stats socket. */
function localConfig(ports: Map<string, number>, bindPort: number, socket: string): string {
  let text = readFileSync(path.join('deploy', 'haproxy.cfg'), 'utf8')
    .replace(/^(\s+bind\s+)\S+/m, `$1127.0.0.1:${bindPort}`)
    .replace(/^(global\n)/m, `$1    stats socket ${socket} level admin\n`);
  for (const [name, port] of ports) {
    text = text.replace(new RegExp(`^(\\s+server ${name}) \\S+`, 'm'), `$1 127.0.0.1:${port}`);
  }
  return text;
}

/** `show stat` over the stats socket: server name → status and last check result. */
async function serverStates(socket: string): Promise<Map<string, string>> {
  const csv = await new Promise<string>((resolve, reject) => {
    let out = '';
    const c = net.connect(socket, () => c.write('show stat\n'));
    c.on('data', (d) => (out += d))
      .on('end', () => resolve(out))
      .on('error', reject);
  });
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const cols = header!.split(',');
  const col = (row: string[], name: string) => row[cols.indexOf(name)] ?? '';
  return new Map(
    rows
      .map((r) => r.split(','))
      .filter((r) => !['FRONTEND', 'BACKEND'].includes(col(r, 'svname')))
      .map((r) => [
        col(r, 'svname'),
        `${col(r, 'status')} ${col(r, 'check_status')}/${col(r, 'check_code')}`,
      ]),
  );
}

/** Requests a gateway answered on one route, from its own /metrics. */
async function answered(gw: TestGateway, route: string): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('kittentts_http_requests_total{') && l.includes(`"${route}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** HAProxy on deploy/haproxy.cfg (addresses replaced), once every server passed its check. */
async function startBalancer(
  dir: string,
  ports: Map<string, number>,
  names: string[],
  onLog: (d: string) => void,
): Promise<{ child: ChildProcess; url: string }> {
  const socket = path.join(dir, 'stats.sock');
  const port = await freePort();
  writeFileSync(path.join(dir, 'haproxy.cfg'), localConfig(ports, port, socket));
  const child = spawn(HAPROXY!, ['-db', '-f', path.join(dir, 'haproxy.cfg')]);
  let log = '';
  const keep = (d: Buffer) => {
    log += String(d);
    onLog(String(d));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // Every server has passed its health check on the readiness route (the wait only guards
  // against a hang).
  const deadline = Date.now() + 20_000;
  for (;;) {
    const states = await serverStates(socket).catch(() => new Map<string, string>());
    if (names.every((n) => states.get(n)?.startsWith('UP L7OK'))) break;
    const refused = [...states.values()].some((v) => /\/4\d\d$/.test(v)); // no such route, key
    if (refused || Date.now() > deadline) {
      await stopBalancer(child);
      throw new Error(
        `not every server passed its check: ${JSON.stringify(Object.fromEntries(states))}\n${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Stops HAProxy and waits for its exit, so none outlives the test. */
async function stopBalancer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill();
  await exited;
}

describe.skipIf(!HAPROXY)(
  `deploy/haproxy.cfg in front of three gateways${HAPROXY ? '' : ' (skipped: haproxy is not installed; .ci/run installs the Debian package)'}`,
  () => {
    const names = ['gateway-1', 'gateway-2', 'gateway-3'];
    const gateways = new Map<string, TestGateway>();
    let dir: string;
    let balancer: ChildProcess;
    let url: string;
    let log = '';

    beforeAll(async () => {
      for (const name of names) {
        gateways.set(name, await startTestGateway({ KITTENTTS_WORKERS: '1' }));
      }
      dir = mkdtempSync(path.join(os.tmpdir(), 'kitten-haproxy-'));
      const ports = new Map(names.map((n) => [n, Number(new URL(gateways.get(n)!.url).port)]));
      ({ child: balancer, url } = await startBalancer(dir, ports, names, (d) => (log += d)));
    });

    afterAll(async () => {
      await stopBalancer(balancer);
      for (const gw of gateways.values()) await gw.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('never replays a POST on another replica once one may have applied it', async () => {
      // gateway-3 is a replica that dies on every POST after reading it (its checks still pass).
      let received = 0;
      const dying = net.createServer((socket) => {
        socket.on('error', () => undefined);
        socket.once('data', (d) => {
          if (!String(d).startsWith('POST ')) {
            socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
            return;
          }
          received++;
          socket.destroy();
        });
      });
      dying.listen(0, '127.0.0.1');
      await new Promise((r) => dying.once('listening', r));
      const own = mkdtempSync(path.join(os.tmpdir(), 'kitten-haproxy-dying-'));
      const ports = new Map(names.map((n) => [n, Number(new URL(gateways.get(n)!.url).port)]));
      ports.set('gateway-3', (dying.address() as net.AddressInfo).port);
      const lb = await startBalancer(own, ports, names, () => undefined);
      try {
        const real = names.slice(0, 2).map((n) => gateways.get(n)!);
        const before = await Promise.all(real.map((gw) => answered(gw, '/api/generate')));
        const outcomes: string[] = [];
        for (let i = 0; i < names.length; i++) {
          // The failed one gets 502, or (on a kept-alive connection) a closed connection.
          const res = await fetch(`${lb.url}/api/generate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify({ text: 'Hi.' }),
          }).catch(() => undefined);
          await res?.arrayBuffer();
          outcomes.push(res?.status === 200 ? 'answered' : 'failed');
        }
        const after = await Promise.all(real.map((gw) => answered(gw, '/api/generate')));
        // One POST reached the dying replica and failed there; it was not sent again elsewhere.
        expect(received).toBe(1);
        expect(outcomes.sort()).toEqual(['answered', 'answered', 'failed']);
        expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1]);
      } finally {
        await stopBalancer(lb.child);
        dying.close();
        rmSync(own, { recursive: true, force: true });
      }
    });

    it('serves the playground through the balancer', async () => {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/<html/i);
    });

    it('spreads requests round robin over every replica', async () => {
      const before = await Promise.all(names.map((n) => answered(gateways.get(n)!, '/api/voices')));
      for (let i = 0; i < 2 * names.length; i++) {
        expect((await fetch(`${url}/api/voices`)).status).toBe(200);
      }
      const after = await Promise.all(names.map((n) => answered(gateways.get(n)!, '/api/voices')));
      expect(after.map((a, i) => a - before[i]!)).toEqual(names.map(() => 2));
    });

    it('passes a WebSocket session through, audio and all, in order', async () => {
      const client = wsClient(url, 'voice=Jasper');
      await client.ready;
      client.send({ type: 'text', text: 'Hello through the balancer. And a second sentence.' });
      client.send({ type: 'end' });
      expect(await client.closed).toBe(1000);
      const types = client.types();
      expect(types.filter((t) => t === 'audio')).toHaveLength(2);
      expect(client.binary).toHaveLength(2);
      expect(types.at(-1)).toBe('done');
      expect(client.json.filter((m) => m.type === 'audio').map((m) => m.seq)).toEqual([0, 1]);
    });
  },
);
