// The one session opener every door uses: a TtsSession with the server's limits, real-time doors
// passing admission first (docs/realtime.md), and each session's metrics labelled by its door.
import type { Config } from '../config.js';
import type { PoolEngine } from '../engine/pool-engine.js';
import type { SessionDoor } from '../http/deps.js';
import type { Metrics } from '../ops/metrics.js';
import { RealtimeAdmission } from '../session/admission.js';
import { TurnAdmission, type TurnTicket } from '../session/turn-admission.js';
import { TtsSession } from '../session/tts-session.js';
import type { TtsSessionOptions } from '../session/tts-session-options.js';

/** Opens a session for a door; `admit: false` skips real-time admission (cluster sessions). */
export type SessionOpener = (
  options: TtsSessionOptions,
  door: SessionDoor,
  how?: { admit: boolean },
) => TtsSession;

/** Opens sessions with the server's limits; real-time doors pass admission first. */
export function sessionOpener(config: Config, engine: PoolEngine, metrics: Metrics): SessionOpener {
  const admission = new RealtimeAdmission({
    maxRealtimeSessions: config.maxRealtimeSessions,
    measuredAudioSPerS: () => engine.measuredAudioSPerS(),
    minSessions: config.workers,
  });
  const turns = new TurnAdmission({
    maxActiveTurns: config.maxActiveTurns,
    measuredAudioSPerS: () => engine.measuredAudioSPerS(),
    minTurns: config.workers,
    // Behind: the real-time work due within the next second needs more than a second per worker.
    behind: () => engine.queueAheadS(engine.now() + 1000) > 1,
  });
  const countQueued = (ticket: TurnTicket) => {
    if (!ticket.started) metrics.queuedTurns.inc();
    return ticket;
  };
  return (options, door, how = { admit: true }) => {
    // WebSocket and REST sessions have a listener playing as audio comes; SSE and OpenAI
    // one-shots await a whole text (docs/architecture.md "Scheduling"). The Wyoming and dialect doors say
    // which they open (a dialect's WebSocket contexts are real-time, its HTTP routes one-shots).
    const chooses = door === 'wyoming' || door === 'elevenlabs' || door === 'cartesia';
    const realtime = chooses ? options.schedule === 'realtime' : door === 'ws' || door === 'rest';
    // A REST session counts only while a chunk call or a subscriber is at work (holdRealtime):
    // an idle one, or one its client forgot to DELETE, holds no slot for its whole TTL.
    const perCall = door === 'rest';
    const release = realtime && how.admit && !perCall ? admission.admit() : undefined;
    return new TtsSession(engine, {
      maxBufferedChars: config.maxBufferedChars,
      schedule: realtime ? 'realtime' : 'oneshot',
      oneshotSlackMs: config.oneshotSlackMs,
      chunkPolicy: config.chunkPolicy,
      chunkHoldS: config.chunkHoldMs / 1000,
      // Every admitted listener may open a turn at any moment (chunk-policy.ts, chunkHoldS).
      contended: () => admission.liveSessions > config.workers,
      shortOpening: config.shortOpening,
      shortOpeningWaitMs: config.shortOpeningWaitMs,
      // Each turn of an admitted live session takes a turn slot (docs/realtime.md, Turn admission).
      ...(release ? { admitTurn: () => countQueued(turns.open()) } : {}),
      ...options,
      onChunk: (info) => {
        // Time to first audio of each turn: from its first sentence being complete to its audio.
        if (info.opensTurn && info.outcome === 'ok')
          metrics.firstAudioSeconds.observe({ door }, info.sinceReadyMs / 1000);
      },
      onDeliver: (aheadS) => metrics.sessionAheadSeconds.observe({ door }, aheadS),
      onClose: release,
      ...(realtime && how.admit && perCall ? { admitRealtime: () => admission.admit() } : {}),
    });
  };
}
