// The worker task for /v1/phonemize: the text planned as a synthesis would be (markup checked,
// lexicon applied), pause tags left out since they are no model input.
import type { Lexicon } from '../kitten/frontend/lexicon.js';
import { pauseSamples } from '../kitten/pause-tags.js';
import type { PhonemizeRequest } from './engine.js';
import { planRequest } from './plan-request.js';
import type { PhonemizeTask } from './protocol.js';

export function phonemizeTask(request: PhonemizeRequest, lexicon?: Lexicon): PhonemizeTask {
  const chunks = planRequest(request.text, request.normalize, lexicon);
  return { kind: 'phonemize', chunks: chunks.filter((c) => pauseSamples(c) === undefined) };
}
