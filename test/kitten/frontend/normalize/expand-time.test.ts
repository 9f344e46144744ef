// Clock-time family of the normalizer.
import { describe } from 'vitest';
import { itNormalizes } from './normalize-cases.js';

describe('expandTime', () => {
  itNormalizes([
    ['Alarm at 9:05 AM.', 'alarm at nine oh five am.'],
    ['Lunch at 12:00pm.', 'lunch at twelve pm.'],
    ['Departure at 14:00.', 'departure at fourteen hundred.'],
    ['Meet at 3:05, please.', 'meet at three oh five, please.'],
    ['Meet at 3:05.', 'meet at three oh five.'],
    ['Score 3:0 and 24:60.', 'score three:zero and twenty-four sixty.'],
    ['Ratio 16:9 screen.', 'ratio sixteen:nine screen.'],
    ['Restart at 0:00 daily.', 'restart at zero hundreddaily.', 'restart at zero hundred daily.'],
    ['Meet at 3:05 please.', 'meet at three oh fiveplease.', 'meet at three oh five please.'],
    ['Meet at 11:15 p.m. today.', 'meet at eleven fifteenp.m. today.', 'meet at eleven fifteen p.m. today.'], // prettier-ignore
    ['At 3:30pm, 10:30 a.m.', 'at three thirty pm, ten thirtya.m.', 'at three thirty pm, ten thirty a.m.'], // prettier-ignore
    ['Run 3:05:30 today.', 'run three oh fivetoday.', 'run three oh five and thirty seconds today.'], // prettier-ignore
    ['Run 7:00:01 today.', 'run seven hundredtoday.', 'run seven hundred and one second today.'],
    ['Run 7:05:00 today.', 'run seven oh fivetoday.', 'run seven oh five today.'],
  ]);
});
