// Clock times (upstream expand_time): "3:30pm" → "three thirty pm", "14:00" → "fourteen hundred".
import { numberToWords } from './number-words.js';
import { ignoreCase, pyInt, pyRe, pySub } from './py-compat.js';

// Upstream's `\b(\d{1,2})…\s*(am|pm)?\b` (the first `\b` written as `(?<!\w)`), with the whitespace captured so the fix can give it back.
const TIME = pyRe(
  String.raw`(?<!\w)(\d{1,2}):(\d{2})(?::(\d{2}))?(\s*)(${ignoreCase('am')}|${ignoreCase('pm')})?\b`,
);

/**
 * Strict reproduces upstream, which drops the seconds and, without am/pm, eats the whitespace
 * after the time ("3:05 please" → "three oh fiveplease"). Otherwise both are kept.
 */
export function expandTime(text: string, strict: boolean): string {
  return pySub(text, TIME, (_match, hours = '', minutes = '', seconds, space = '', meridiem) => {
    const hourWords = numberToWords(pyInt(hours), strict);
    const mins = pyInt(minutes);
    let words: string;
    if (mins === 0n) words = meridiem ? hourWords : `${hourWords} hundred`;
    else if (mins < 10n) words = `${hourWords} oh ${numberToWords(mins, strict)}`;
    else words = `${hourWords} ${numberToWords(mins, strict)}`;
    if (!strict && seconds !== undefined) {
      const secs = pyInt(seconds);
      if (secs !== 0n)
        words += ` and ${numberToWords(secs, strict)} second${secs !== 1n ? 's' : ''}`;
    }
    if (meridiem) return `${words} ${meridiem.toLowerCase()}`;
    return strict ? words : `${words}${space}`;
  });
}
