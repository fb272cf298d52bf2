/** The words every front door shares: kinds, statuses, limits, presets, job states, error codes. */
import type { Signal, Space } from './spaces.js';

export { SPACE_TABLE, SPACES, MODEL_SPACES, PHOTO_DEFAULT_SPACES, SIGNALS, SIGNAL_WORDS, type Signal, type Space, type SpaceInfo, type ModelSpaceName } from './spaces.js';

export const ITEM_KINDS = ['photo', 'product'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATUSES = ['ok', 'error', 'offline'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Largest k a search may ask for; the UI pages beyond that with filters, not with k. */
export const MAX_K = 1000;
export const DEFAULT_K = 20;
/** Longest vector a payload may carry: far above any model we ship, well below abuse. */
export const MAX_DIMS = 8192;
/** A query mixes at most this many terms (several per space are allowed). */
export const MAX_TERMS = 32;

/**
 * Per-space contribution to a score; the values add up to the score. `printed`: the share of
 * the words printed in the picture (the text read in it), which plain queries add.
 */
export type Breakdown = Partial<Record<Signal, number>>;

export const DTYPES = ['fp32', 'q8'] as const;
export type Dtype = (typeof DTYPES)[number];

export const INDEX_STATES = ['running', 'paused', 'done', 'cancelled', 'failed'] as const;
export type IndexState = (typeof INDEX_STATES)[number];

export const SUBSTITUTE_PRESETS = ['balanced', 'same-function', 'same-look', 'product-not-scene'] as const;
export type SubstitutePreset = (typeof SUBSTITUTE_PRESETS)[number];
export type Weights = Partial<Record<Space, number>>;

/**
 * The seed's three shopping scenarios, named for what a shopper wants, plus a balance:
 * - same-function: a replacement that does the same job (the toaster): its words only;
 * - same-look: the favourite pants again, in looks first, with a little of its words;
 * - product-not-scene: the basketball, not the model holding it: words and the product's own
 *   colour, little of the full photo;
 * - balanced: a bit of everything.
 */
export const WEIGHT_PRESETS: Readonly<Record<SubstitutePreset, Weights>> = {
  balanced: { text: 0.3, visual: 0.3, clip: 0.2, colour: 0.2 },
  'same-function': { text: 1 },
  'same-look': { visual: 0.6, clip: 0.2, text: 0.2 },
  'product-not-scene': { text: 0.5, colour: 0.4, visual: 0.1 },
};

/** Most items one browse call returns: the grid asks for the rows it shows. */
export const MAX_PAGE = 500;

/** Most conditions one request may carry. */
export const MAX_CONDITIONS = 50;
export const WHERE_OPS = ['=', '!=', '<', '<=', '>', '>=', 'in'] as const;
/** The roles a catalog column can stand for; filters may name a role instead of a column. */
export const CATALOG_ROLES = ['id', 'name', 'image', 'colour', 'category', 'price', 'brand', 'description'] as const;
export type CatalogRole = (typeof CATALOG_ROLES)[number];

/**
 * Duplicates by their evidence: the same bytes; the same picture saved again, resized, converted
 * or turned; the same moment (bursts, crops, exposure and colour edits); only similar; and for
 * products, the same product listed twice (the same picture, near-same words).
 */
export const DUPLICATE_TIERS = ['identical', 'same-photo', 'same-moment', 'similar', 'same-product'] as const;
/** The similar tier's threshold (centred visual cosine): the lowest the user may pick, and the default. */
export const DUPLICATE_SIMILARITY = { floor: 0.45, default: 0.55 } as const;
export type DuplicateTier = (typeof DUPLICATE_TIERS)[number];

/** Every long task is a job of one of these kinds. */
export const JOB_KINDS = ['index', 'catalog-import', 'label-set', 'model-download', 'copy-files', 'forget-folder', 'restore-folder', 'duplicates', 'read-text', 'map-layout', 'faces'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'cancelled', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * `unavailable` and `unauthorised` come from web mode's page itself: the server did not answer,
 * or not to this page's token. `unsupported`: this library's store does not offer the method
 * yet (a library in PostgreSQL answers fewer than one in SQLite).
 */
export const ERROR_CODES = ['bad-input', 'not-found', 'database', 'cancelled', 'internal', 'unavailable', 'unauthorised', 'unsupported'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
