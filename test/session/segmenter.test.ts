import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkText, MAX_CHUNK_CHARS } from '../../src/kitten/frontend/chunk.js';
import { Segmenter, splitSentences, type SegmenterOptions } from '../../src/session/segmenter.js';

/** Feeds `tokens` one by one, then flushes; returns every sentence in order. */
function stream(tokens: readonly string[], options?: SegmenterOptions): string[] {
  const seg = new Segmenter(options);
  const out = tokens.flatMap((t) => seg.push(t));
  return [...out, ...seg.flush()];
}

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSplit(text: string, rand: () => number, maxToken = 8): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(rand() * maxToken);
    tokens.push(text.slice(i, i + n));
    i += n;
  }
  return tokens;
}

const WORDS = [
  'Hello',
  'world.',
  'Dr.',
  'Smith',
  'met',
  'Mr.',
  'Jones',
  'at',
  '10',
  'a.m.',
  'p.m.',
  'A.M.',
  'Then',
  'then',
  'it',
  'was',
  '3.5',
  '3.',
  '5',
  'e.g.',
  'Wait...',
  'really?!',
  'no?',
  'yes!',
  'Jan.',
  'et',
  'al.',
  'Fig.',
  'Sept.',
  'St.',
  'U.S.A.',
  'ok,',
  'so;',
  'note:',
  '—',
  'café',
  '😀',
  'Prof.',
  'p.',
  'pp.',
  'x',
  'the',
  'end.',
];
// Python whitespace the chunker honours (NBSP, NEL, ideographic space) next to JS-only \ufeff (a word char).
const SPACES = [
  ' ',
  ' ',
  ' ',
  ' ',
  '  ',
  '\n',
  '\t',
  ' \n ',
  '\u00a0',
  '\x85',
  '\u3000',
  '\ufeff ',
];

const PLAIN = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'cat',
  'dog',
  'a',
  'p',
  'm',
  '3',
  'consectetur',
];

/** Random words and whitespace; some texts are mostly plain words, so sentences run past 400 chars. */
function randomText(rand: () => number, words: number): string {
  const trickyRate = rand();
  let text = '';
  for (let i = 0; i < words; i++) {
    const list = rand() < trickyRate ? WORDS : PLAIN;
    text += list[Math.floor(rand() * list.length)]!;
    text += SPACES[Math.floor(rand() * SPACES.length)]!;
  }
  return rand() < 0.5 ? text : text.trimEnd();
}

const fixtureTexts: string[] = readFileSync(
  new URL('../fixtures/frontend.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { text: string }).text);

describe('Segmenter', () => {
  it('returns the sentences a push completes and keeps the rest buffered', () => {
    const seg = new Segmenter();
    expect(seg.push('Hello there! How')).toEqual(['Hello there!']);
    expect(seg.bufferedText).toBe(' How');
    expect(seg.push(' are you? Fine')).toEqual(['How are you?']);
    expect(seg.flush()).toEqual(['Fine']);
    expect(seg.bufferedText).toBe('');
  });

  it('waits for the next non-space character before ending a sentence at the buffer end', () => {
    const seg = new Segmenter();
    expect(seg.push('Hello.')).toEqual([]);
    expect(seg.push(' ')).toEqual([]);
    expect(seg.push('\n ')).toEqual([]);
    expect(seg.push('World')).toEqual(['Hello.']);
    expect(seg.bufferedText).toBe(' \n World');
  });

  it('does not split after Dr. arriving in pieces', () => {
    const seg = new Segmenter();
    expect(seg.push('Dr')).toEqual([]);
    expect(seg.push('.')).toEqual([]);
    expect(seg.push(' ')).toEqual([]);
    expect(seg.push('Smith is here.')).toEqual([]);
    expect(seg.push(' Next')).toEqual(['Dr. Smith is here.']);
  });

  it('does not split 3. followed by 5 in a later token', () => {
    const seg = new Segmenter();
    expect(seg.push('Pi is 3.')).toEqual([]);
    expect(seg.push('5 or so. ')).toEqual([]);
    expect(seg.push('Ok')).toEqual(['Pi is 3.5 or so.']);
  });

  it('ends a sentence at a. m. before a capital and not before a lower-case word', () => {
    const tokensUpper = ['We met at 10 a', '.', 'm', '.', ' ', 'Then we left.'];
    expect(stream(tokensUpper)).toEqual(['We met at 10 a.m.', 'Then we left.']);
    const seg = new Segmenter();
    for (const t of ['We met at 10 a', '.', 'm', '.', ' ']) expect(seg.push(t)).toEqual([]);
    expect(seg.push('tomorrow.')).toEqual([]);
    expect(seg.flush()).toEqual(['We met at 10 a.m. tomorrow.']);
  });

  it('ends a sentence at a trailing a.m. on flush', () => {
    const seg = new Segmenter();
    expect(seg.push('See you at 9 p.m.')).toEqual([]);
    expect(seg.flush()).toEqual(['See you at 9 p.m.']);
  });

  it('flush emits the rest, an empty buffer gives nothing, and pushes continue afterwards', () => {
    const seg = new Segmenter();
    expect(seg.flush()).toEqual([]);
    seg.push('No terminator here');
    expect(seg.flush()).toEqual(['No terminator here']);
    expect(seg.flush()).toEqual([]);
    expect(seg.push('Next one. And')).toEqual(['Next one.']);
    expect(seg.flush()).toEqual(['And']);
  });

  it('emits whitespace-only input as nothing', () => {
    expect(stream([' ', '\n', '\t '])).toEqual([]);
  });

  it('reset drops buffered text', () => {
    const seg = new Segmenter();
    seg.push('Half a sent');
    seg.reset();
    expect(seg.bufferedText).toBe('');
    expect(seg.flush()).toEqual([]);
  });

  it('cuts a long sentence at word boundaries before it ends, as upstream packs it', () => {
    const words = Array.from({ length: 150 }, (_, i) => `word${i}`);
    const text = `${words.join(' ')} end.`;
    const seg = new Segmenter();
    const early: string[] = [];
    for (const t of randomSplit(text.slice(0, -5), rng(7))) early.push(...seg.push(t));
    expect(early.length).toBeGreaterThanOrEqual(2);
    for (const piece of early) expect([...piece].length).toBeLessThanOrEqual(MAX_CHUNK_CHARS + 1);
    expect(seg.bufferedText.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS + 8);
    const all = [...early, ...seg.push(text.slice(-5)), ...seg.flush()];
    expect(all.flatMap((s) => chunkText(s))).toEqual(chunkText(text));
  });

  it('leaves out the comma upstream appends, so a 400-character piece re-chunks whole', () => {
    const text = `${'abc '.repeat(99)}abcd efg hij.`;
    const [first, ...rest] = stream(randomSplit(text, rng(11)));
    expect(first).toHaveLength(400);
    expect(chunkText(first!)).toEqual([`${first!},`]);
    expect(rest).toEqual(['efg hij.']);
    expect(chunkText(text)).toEqual([`${first!},`, 'efg hij.']);
  });

  it('re-joins the last piece of a long sentence with single spaces like upstream', () => {
    const text = `${'abc '.repeat(120)}x\n\n  y  z.`;
    const sentences = stream(randomSplit(text, rng(3)));
    expect(sentences.at(-1)).toBe(chunkText(text).at(-1)!.replace(/,$/, ''));
    expect(sentences.flatMap((s) => chunkText(s))).toEqual(chunkText(text));
  });

  it('hard-cuts a 400-character run without spaces so nothing waits forever', () => {
    const seg = new Segmenter();
    const out: string[] = [];
    for (let i = 0; i < 100; i++) out.push(...seg.push('abcdefghij'));
    expect(out).toEqual(['abcdefghij'.repeat(40), 'abcdefghij'.repeat(40)]);
    expect(seg.bufferedText.trim()).toBe('abcdefghij'.repeat(20));
    expect(seg.flush()).toEqual(['abcdefghij'.repeat(20)]);
  });

  it('counts the 400 limit of a run in code points', () => {
    const run = '😀'.repeat(450);
    const sentences = splitSentences(run);
    expect(sentences.map((s) => [...s].length)).toEqual([400, 50]);
  });

  it('does not break a run of exactly 400 characters', () => {
    const run = 'x'.repeat(MAX_CHUNK_CHARS);
    const text = `${run} done.`;
    expect(stream([run.slice(0, 200), run.slice(200), ' done.'])).toEqual([run, 'done.']);
    expect(chunkText(text)).toEqual([`${run},`, 'done.']);
  });
});

describe('Segmenter streaming invariant', () => {
  it('gives the same sentences token by token as at once, and the same chunks as chunkText', () => {
    const rand = rng(20240611);
    let longCases = 0;
    for (let n = 0; n < 400; n++) {
      const text = randomText(rand, 1 + Math.floor(rand() * 200));
      const oneShot = splitSentences(text);
      if (oneShot.some((s) => s.length > 300)) longCases++;
      const maxToken = 1 + Math.floor(rand() * 12);
      expect(stream(randomSplit(text, rand, maxToken)), text).toEqual(oneShot);
      expect(
        oneShot.flatMap((s) => chunkText(s)),
        text,
      ).toEqual(chunkText(text));
    }
    expect(longCases).toBeGreaterThan(20); // long sentences are really exercised
  });

  it('holds character by character', () => {
    const rand = rng(99);
    for (let n = 0; n < 50; n++) {
      const text = randomText(rand, 40);
      expect(stream([...text])).toEqual(splitSentences(text));
    }
  });

  it('holds for the golden texts', () => {
    const rand = rng(1);
    expect(fixtureTexts.length).toBeGreaterThan(200);
    for (const text of fixtureTexts) {
      const oneShot = splitSentences(text);
      expect(stream(randomSplit(text, rand)), text).toEqual(oneShot);
      expect(stream([...text]), text).toEqual(oneShot);
      expect(
        oneShot.flatMap((s) => chunkText(s)),
        text,
      ).toEqual(chunkText(text));
    }
  });

  it('holds in clause-first mode too', () => {
    const rand = rng(5);
    for (let n = 0; n < 200; n++) {
      const text = randomText(rand, 1 + Math.floor(rand() * 60));
      expect(stream(randomSplit(text, rand), { firstChunk: 'clause' }), text).toEqual(
        splitSentences(text, { firstChunk: 'clause' }),
      );
    }
  });
});

describe('Segmenter clause-first mode', () => {
  const clause = { firstChunk: 'clause' } as const;

  it('cuts the first chunk at a comma once it has four words', () => {
    const seg = new Segmenter(clause);
    expect(seg.push('Well, you see,')).toEqual([]);
    expect(seg.push(' my dear friend, the')).toEqual(['Well, you see, my dear friend,']);
    expect(seg.push(' cat, the dog, and the bird flew. Later, much')).toEqual([
      'the cat, the dog, and the bird flew.',
    ]);
    expect(seg.flush()).toEqual(['Later, much']);
  });

  it('cuts at semicolons, colons and em dashes followed by whitespace', () => {
    expect(splitSentences('One two three four; five six.', clause)).toEqual([
      'One two three four;',
      'five six.',
    ]);
    expect(splitSentences('One two three four: five six.', clause)).toEqual([
      'One two three four:',
      'five six.',
    ]);
    expect(splitSentences('One two three four \u2014 five six.', clause)).toEqual([
      'One two three four \u2014',
      'five six.',
    ]);
    expect(splitSentences('One two three four\u2014five six.', clause)).toEqual([
      'One two three four\u2014five six.',
    ]);
  });

  it('waits for the character after a clause mark', () => {
    const seg = new Segmenter(clause);
    expect(seg.push('one two three four,')).toEqual([]);
    expect(seg.push('five')).toEqual([]);
    expect(seg.push(', six')).toEqual(['one two three four,five,']);
  });

  it('starts a new turn after a flush', () => {
    const seg = new Segmenter(clause);
    expect(seg.push('one two three four, five. six seven eight nine, ten')).toEqual([
      'one two three four,',
      'five.',
    ]);
    expect(seg.flush()).toEqual(['six seven eight nine, ten']);
    expect(seg.push('a b c d, e')).toEqual(['a b c d,']);
  });

  it('lets a sentence end first when it comes before any clause mark', () => {
    expect(splitSentences('Hi. One two three four, five.', clause)).toEqual([
      'Hi.',
      'One two three four, five.',
    ]);
  });

  it('is off in the default sentence mode', () => {
    expect(splitSentences('One two three four, five six.')).toEqual([
      'One two three four, five six.',
    ]);
  });
});
