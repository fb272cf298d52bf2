import { WEIGHT_PRESETS } from '../../../preload/contract.js';

/** The presets live in the contract, so the UI shows the same ones. */
export const SUBSTITUTE_WEIGHTS = WEIGHT_PRESETS;
