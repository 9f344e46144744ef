// Turn-level admission: turns past the cap wait in line, first come first served, and a session
// whose turn waits holds its chunks back from the engine until a slot frees (fake engine, clock).
import { describe, expect, it } from 'vitest';
import { TurnAdmission } from '../../src/session/turn-admission.js';
import { TtsSession } from '../../src/session/tts-session.js';
import type { TurnNotice } from '../../src/session/turn-admission.js';
import { FakeEngine, tick } from './fake-engine.js';

function admission(maxActiveTurns: number, measured?: number, behind?: () => boolean) {
  let t = 0;
  const turns = new TurnAdmission({
    maxActiveTurns,
    measuredAudioSPerS: () => measured,
    minTurns: 1,
    ...(behind ? { behind } : {}),
    now: () => t,
  });
  return { turns, advance: (ms: number) => (t += ms) };
}

describe('TurnAdmission', () => {
  it('starts turns up to the cap and lines up the rest, first come first served', async () => {
    const { turns } = admission(1);
    const a = turns.open();
    const b = turns.open();
    const c = turns.open();
    expect([a.started, b.started, c.started]).toEqual([true, false, false]);
    expect([b.position, c.position]).toEqual([1, 2]);
    expect(c.expectedWaitS).toBeGreaterThan(b.expectedWaitS);
    const order: string[] = [];
    void b.ready.then(() => order.push('b'));
    void c.ready.then(() => order.push('c'));
    a.release();
    await tick();
    expect(order).toEqual(['b']);
    expect(turns.activeTurns).toBe(1);
    b.release();
    await tick();
    expect(order).toEqual(['b', 'c']);
  });

  it('lets a turn that leaves the line give up its place', async () => {
    const { turns } = admission(1);
    const a = turns.open();
    const b = turns.open();
    const c = turns.open();
    b.release();
    expect(turns.waitingTurns).toBe(1);
    let cStarted = false;
    void c.ready.then(() => (cStarted = true));
    a.release();
    a.release(); // idempotent: frees one slot only
    await tick();
    expect(cStarted).toBe(true);
    expect(turns.activeTurns).toBe(1);
  });

  it('derives the cap from the measured speed, and sets none before anything is measured', () => {
    expect(admission(0).turns.cap()).toBe(Infinity);
    expect(admission(0, 3.7).turns.cap()).toBe(3);
  });

  it('lets turns past the derived cap start while the workers keep up, and lines them up once behind', async () => {
    let behind = false;
    const { turns } = admission(0, 2.5, () => behind);
    const [a, b, c] = [turns.open(), turns.open(), turns.open()];
    expect([a.started, b.started, c.started]).toEqual([true, true, true]);
    behind = true;
    const d = turns.open();
    expect(d.started).toBe(false);
    let dStarted = false;
    void d.ready.then(() => (dStarted = true));
    a.release(); // three active, cap two, still behind: d keeps waiting
    await tick();
    expect(dStarted).toBe(false);
    behind = false;
    b.release();
    await tick();
    expect(dStarted).toBe(true);
  });

  it('holds a fixed cap whether or not the workers keep up', () => {
    const { turns } = admission(1, undefined, () => false);
    expect([turns.open().started, turns.open().started]).toEqual([true, false]);
  });

  it('expects a longer wait once turns have been seen to last longer', () => {
    const { turns, advance } = admission(1);
    const short = turns.open();
    advance(1000);
    short.release();
    const a = turns.open();
    const waitAfterShort = turns.open().expectedWaitS;
    advance(20_000);
    a.release(); // the waiting one starts
    const longer = turns.open().expectedWaitS;
    expect(longer).toBeGreaterThan(waitAfterShort);
  });
});

describe('a session under turn admission', () => {
  const open = (engine: FakeEngine, turns: TurnAdmission) =>
    new TtsSession(engine, {
      modelId: 'kitten-tts-nano',
      voice: 'Bella',
      admitTurn: () => turns.open(),
    });

  it('holds a waiting turn back from the engine, says so, and starts it when a turn ends', async () => {
    const engine = new FakeEngine();
    const { turns } = admission(1);
    const first = open(engine, turns);
    const second = open(engine, turns);
    const notices: TurnNotice['type'][] = [];
    second.onTurnNotice = (n) => notices.push(n.type);
    first.pushText('First turn here.', { flush: true });
    second.pushText('Second turn here.', { flush: true });
    await tick();
    expect(engine.texts()).toEqual(['First turn here.']);
    expect(notices).toEqual(['turn_queued']);
    engine.calls[0]!.complete();
    const events = await first.collect([0]); // takes its audio, then its turn's end
    expect(events.map((e) => e.type)).toEqual(['audio']);
    await tick();
    expect(notices).toEqual(['turn_queued', 'turn_started']);
    expect(engine.texts()).toEqual(['First turn here.', 'Second turn here.']);
  });

  it('keeps its slot across its own overlapping turns, and gives it back on cancel', async () => {
    const engine = new FakeEngine();
    const { turns } = admission(1);
    const session = open(engine, turns);
    session.pushText('One.', { flush: true });
    session.pushText('Two.', { flush: true });
    await tick();
    expect(engine.texts()).toEqual(['One.', 'Two.']);
    expect(turns.activeTurns).toBe(1);
    session.cancel();
    expect(turns.activeTurns).toBe(0);
  });

  it('gives up its place in line when cancelled while waiting', async () => {
    const engine = new FakeEngine();
    const { turns } = admission(1);
    open(engine, turns).pushText('Busy.', { flush: true });
    const waiting = open(engine, turns);
    waiting.pushText('Waiting.', { flush: true });
    expect(turns.waitingTurns).toBe(1);
    waiting.cancel();
    expect(turns.waitingTurns).toBe(0);
    await tick();
    expect(engine.texts()).toEqual(['Busy.']);
  });
});
