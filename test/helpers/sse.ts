// Server-sent events read from a fetch response, as EventSource reads them (tests only).

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads SSE events from a fetch response as they arrive. */
export async function* readSse(res: Response): AsyncGenerator<SseEvent> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (block.split('\n').every((l) => l.startsWith(':'))) continue; // a comment (heartbeat), as EventSource skips it
      const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.replace(/^data: ?/, ''))
        .join('\n');
      yield { event, data: data ? JSON.parse(data) : {} };
    }
  }
}
