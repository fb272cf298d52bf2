import type { Space, SubstitutePreset } from '../../../preload/contract.js';

/**
 * The seed's three shopping scenarios, named for what a shopper wants, plus a balance:
 * - same-function: a replacement that does the same job (the toaster): its words only;
 * - same-look: the favourite pants again, in looks first, with a little of its words;
 * - product-not-scene: the basketball, not the model holding it: words and the product's own
 *   colour, little of the full photo;
 * - balanced: a bit of everything.
 */
export const SUBSTITUTE_WEIGHTS: Record<SubstitutePreset, Partial<Record<Space, number>>> = {
  'same-function': { text: 1 },
  'same-look': { visual: 0.6, clip: 0.2, text: 0.2 },
  'product-not-scene': { text: 0.5, colour: 0.4, visual: 0.1 },
  balanced: { text: 0.3, visual: 0.3, clip: 0.2, colour: 0.2 },
};
