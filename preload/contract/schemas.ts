/** The payload schemas of every request (zod): what each front door validates before calling. */
import { z } from 'zod';
import { SPACES } from './spaces.js';
import { DTYPES, DUPLICATE_SIMILARITY, DUPLICATE_TIERS, ITEM_KINDS, ITEM_STATUSES, MAX_CONDITIONS, MAX_DIMS, MAX_K, MAX_PAGE, MAX_TERMS, SUBSTITUTE_PRESETS, WHERE_OPS } from './vocabulary.js';
import { MODEL_SPACES } from './spaces.js';

export const SpaceSchema = z.enum(SPACES);
export const ItemKindSchema = z.enum(ITEM_KINDS);
export const ItemStatusSchema = z.enum(ITEM_STATUSES);

/**
 * One condition on a product field: category = "stainless steel", price <= 50, colour in
 * (red, blue). The field is a role (name, category, colour, price, brand, ...: the column the
 * catalog's mapping gave it) or a column of a catalog. =, != and in compare text without
 * case; <, <=, > and >= compare numbers, and need a number.
 */
const WhereValueSchema = z.union([z.string().max(1000), z.number()]);
export const WhereConditionSchema = z
  .strictObject({
    field: z.string().min(1).max(200),
    op: z.enum(WHERE_OPS),
    value: z.union([WhereValueSchema, z.array(WhereValueSchema).min(1).max(100)]),
  })
  .refine((c) => (c.op === 'in') === Array.isArray(c.value), { message: '"in" takes a list of values, and only "in" does' })
  .refine((c) => !['<', '<=', '>', '>='].includes(c.op) || typeof c.value === 'number', { message: '<, <=, > and >= compare numbers: give a number' });
export type WhereCondition = z.infer<typeof WhereConditionSchema>;
/** Either of several groups of conditions ("or"): each group holds when all its conditions do. */
export const WhereAnySchema = z.strictObject({ any: z.array(z.array(WhereConditionSchema).min(1).max(MAX_CONDITIONS)).min(1).max(MAX_CONDITIONS) });
export type WhereAny = z.infer<typeof WhereAnySchema>;
/** Conditions that must all hold; one of them may be an "or" of groups. */
export const WhereSchema = z.array(z.union([WhereConditionSchema, WhereAnySchema])).max(MAX_CONDITIONS);
export type Where = z.infer<typeof WhereSchema>;

export const VectorTermSchema = z.strictObject({
  space: SpaceSchema,
  vector: z.array(z.number()).min(1).max(MAX_DIMS),
  weight: z.number(),
});
export type VectorTerm = z.infer<typeof VectorTermSchema>;

export const SearchFiltersSchema = z.strictObject({
  kinds: z.array(ItemKindSchema).min(1).optional(),
  roots: z.array(z.number().int().positive()).min(1).optional(),
  labels: z.array(z.string().min(1)).min(1).optional(),
  statuses: z.array(ItemStatusSchema).min(1).optional(),
  /** Items whose path lies inside any of these folders. */
  folders: z.array(z.string().min(1)).min(1).optional(),
  /** Taken (EXIF date, else file time) at or after / at or before, in ms since the epoch. */
  after: z.number().optional(),
  before: z.number().optional(),
  /** Conditions on product fields, all of which must hold: category = toaster, price <= 50. */
  where: WhereSchema.optional(),
  /** Items in any of these (plain) albums, by album id. */
  albums: z.array(z.number().int().positive()).min(1).optional(),
  /** Only these items (a smart album's, as its query found them). */
  itemIds: z.array(z.number().int().positive()).max(1_000_000).optional(),
});
export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

export const KSchema = z.number().int().min(1).max(MAX_K);

export const SearchVectorsRequestSchema = z.strictObject({
  terms: z.array(VectorTermSchema).min(1).max(MAX_TERMS),
  k: KSchema.optional(),
  filters: SearchFiltersSchema.optional(),
});
export type SearchVectorsRequest = z.input<typeof SearchVectorsRequestSchema>;

export const EmptyRequestSchema = z.strictObject({});

/** A map of one space, or of a weighted mix of spaces (the sliders' weights; the positive ones count). */
export const MapRequestSchema = z
  .strictObject({
    space: SpaceSchema.optional(),
    weights: z.partialRecord(SpaceSchema, z.number().min(0).max(10)).optional(),
    /** mapPoints: each point's item too (kind, file, title, key), for an export. */
    details: z.boolean().optional(),
  })
  .refine((r) => (r.space === undefined) !== (r.weights === undefined), 'name a space or weights, not both')
  .refine((r) => !r.weights || Object.values(r.weights).some((w) => (w ?? 0) > 0), 'at least one weight above 0');
export type MapRequest = z.input<typeof MapRequestSchema>;

export const ReadTextRequestSchema = z.strictObject({
  /** Read the pictures the cheap test passed over too. */
  everything: z.boolean().optional(),
  /** The languages to read in this time (default: the setting's, else English). */
  languages: z.array(z.string().regex(/^[a-z]{3}(_[a-z]{3,5})?$/, 'a Tesseract language code such as eng, deu or chi_sim')).min(1).max(10).optional(),
});
export type ReadTextRequest = z.input<typeof ReadTextRequestSchema>;

export const SearchRequestSchema = z.strictObject({
  /** The query language: words, +x, -x, 2:x, "phrases", like:<id|file>, in:, label:, kind:, after:, before: */
  query: z.string().max(2000),
  k: KSchema.optional(),
  /** Order of the results above the relevance cut-off: by score (default) or newest first. */
  sort: z.enum(['score', 'date']).optional(),
});
export type SearchRequest = z.input<typeof SearchRequestSchema>;

export const SimilarRequestSchema = z.strictObject({
  /** Item ids or image files (files outside the library are embedded on the fly). */
  targets: z.array(z.string().min(1)).min(1).max(50),
  /** Weights per space; default clip 0.5, visual 0.3, colour 0.2. */
  weights: z.partialRecord(SpaceSchema, z.number()).optional(),
  k: KSchema.optional(),
});
export type SimilarRequest = z.input<typeof SimilarRequestSchema>;

export const ClassifyRequestSchema = z.strictObject({
  target: z.string().min(1),
  labels: z.array(z.string().trim().min(1)).min(1).max(1000),
  /** Prompt template; {} is replaced by the label. Default "a photo of a {}". */
  template: z.string().includes('{}').optional(),
});
export type ClassifyRequest = z.input<typeof ClassifyRequestSchema>;

export const ApplyLabelsRequestSchema = z.strictObject({
  /** The label set's name; applying a set again replaces what it gave before. */
  name: z.string().trim().min(1).max(100),
  labels: z.array(z.string().trim().min(1)).min(2).max(1000),
  template: z.string().includes('{}').optional(),
  /** Smallest probability that makes a tag (default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
});
export type ApplyLabelsRequest = z.input<typeof ApplyLabelsRequestSchema>;

/** Copies items' files (photos, products' pictures) into a folder, never over a file there. */
export const CopyFilesRequestSchema = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1).max(100_000),
  folder: z.string().min(1).max(4096),
});
export type CopyFilesRequest = z.infer<typeof CopyFilesRequestSchema>;
export const StartDragRequestSchema = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000) });


export const RenameLabelSetRequestSchema = z.strictObject({ name: z.string().min(1), to: z.string().trim().min(1).max(100) });
export const LabelSetRequestSchema = z.strictObject({ name: z.string().min(1) });

/** One side of a comparison: a text, or an item of the library (its picture, or a product). */
export const CompareSideSchema = z.union([z.string().trim().min(1).max(2000), z.strictObject({ item: z.number().int().positive() })]);
export type CompareSide = z.infer<typeof CompareSideSchema>;

export const CompareRequestSchema = z.strictObject({ a: CompareSideSchema, b: CompareSideSchema });
export type CompareRequest = z.infer<typeof CompareRequestSchema>;

export const SetModelRequestSchema = z.strictObject({
  space: z.enum(MODEL_SPACES),
  /** A hub id ("Xenova/resnet-18") or a local folder; null returns to the default. */
  model: z.string().min(1).max(1000).nullable(),
  dtype: z.enum(DTYPES).optional(),
});
export type SetModelRequest = z.infer<typeof SetModelRequestSchema>;

export const DownloadModelsRequestSchema = z.strictObject({
  /** The spaces whose models to fetch now; all model spaces when left out. */
  spaces: z.array(z.enum(MODEL_SPACES)).min(1).optional(),
});
export type DownloadModelsRequest = z.infer<typeof DownloadModelsRequestSchema>;

export const IndexRequestSchema = z.strictObject({
  /** Folders to add (if new) and index; every library folder when left out. */
  paths: z.array(z.string().min(1)).optional(),
  /** Carry out removals held back by the 20% guard. */
  confirmRemovals: z.boolean().optional(),
});
export type IndexRequest = z.infer<typeof IndexRequestSchema>;

export const RemoveRootRequestSchema = z.strictObject({ path: z.string().min(1) });
/** A forgotten folder, by the id `status.forgotten` gives it. */
export const ForgottenFolderRequestSchema = z.strictObject({ id: z.number().int().positive() });

export const ErrorsRequestSchema = z.strictObject({
  /** Only the items that failed for this reason (as `groups` names it). */
  reason: z.string().max(2000).optional(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const RetryErrorsRequestSchema = z.strictObject({
  /** The failed photos to read again; all of them when left out. */
  ids: z.array(z.number().int().positive()).min(1).max(100_000).optional(),
});

const ColumnSchema = z.string().min(1).max(500);
/**
 * Which column of a catalog holds what: one column per role (null: none), the columns whose
 * words make the product's text, the columns kept for filters, and the column that takes a
 * row's extra fields (an unquoted comma in a name). Left-out keys are guessed.
 */
export const CatalogMappingSchema = z.strictObject({
  id: ColumnSchema.optional(),
  name: ColumnSchema.nullable().optional(),
  image: ColumnSchema.nullable().optional(),
  colour: ColumnSchema.nullable().optional(),
  category: ColumnSchema.nullable().optional(),
  price: ColumnSchema.nullable().optional(),
  brand: ColumnSchema.nullable().optional(),
  description: ColumnSchema.nullable().optional(),
  text: z.array(ColumnSchema).max(500).optional(),
  fields: z.array(ColumnSchema).max(500).optional(),
  overflow: ColumnSchema.nullable().optional(),
});
export type CatalogMappingRequest = z.infer<typeof CatalogMappingSchema>;

export const CatalogImportRequestSchema = z.strictObject({
  file: z.string().min(1).optional(),
  /** The demo catalog shipped with Semblance, instead of a file. */
  demo: z.boolean().optional(),
  name: z.string().min(1).max(100).optional(),
  /** A YAML or JSON mapping file naming the columns: {"id": "sku", "image": "picture", "text": [...]}. */
  mappingFile: z.string().min(1).optional(),
  /** The mapping itself (the import window's role pickers); wins over a mapping file. */
  mapping: CatalogMappingSchema.optional(),
  /** Download pictures given as http(s) links into a cache beside the library. */
  fetchImages: z.boolean().optional(),
  /** Let relative picture paths climb out of the catalog's folder ("../photos/a.jpg"). */
  allowOutsidePictures: z.boolean().optional(),
});

/** The first rows of a catalog and the mapping Semblance would use, before importing it. */
export const CatalogPreviewRequestSchema = z.strictObject({
  file: z.string().min(1),
  name: z.string().min(1).max(100).optional(),
  mapping: CatalogMappingSchema.optional(),
  mappingFile: z.string().min(1).optional(),
  rows: z.number().int().min(1).max(100).optional(),
});
export type CatalogImportRequest = z.infer<typeof CatalogImportRequestSchema>;
export type CatalogPreviewRequest = z.infer<typeof CatalogPreviewRequestSchema>;

export const WeightsSchema = z.partialRecord(SpaceSchema, z.number().min(-10).max(10));

/** Names an object already has (a preset named so would be read as the object's own machinery). */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);

export const SaveWeightPresetRequestSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .refine((name) => !RESERVED_NAMES.has(name), { message: 'this name is reserved: choose another name for the preset' }),
  /** null forgets the preset. */
  weights: WeightsSchema.nullable(),
});
export type SaveWeightPresetRequest = z.infer<typeof SaveWeightPresetRequestSchema>;

export const SubstitutesRequestSchema = z.strictObject({
  /**
   * A product: its catalog and key ("shop:A17"), its key alone when only one catalog has it,
   * or its item id as a number. A text that is both an item id and a key is refused.
   */
  product: z.union([z.string().min(1).max(1000), z.number().int().positive()]),
  preset: z.enum(SUBSTITUTE_PRESETS).optional(),
  weights: z.partialRecord(SpaceSchema, z.number()).optional(),
  /** Conditions on fields: as text for the CLI ("category = toaster and price <= 50"), or as conditions. */
  where: z.union([z.string().max(1000), WhereSchema]).optional(),
  k: KSchema.optional(),
});
export type SubstitutesRequest = z.input<typeof SubstitutesRequestSchema>;

export const ItemRequestSchema = z.strictObject({ id: z.number().int().positive() });

export const BrowseRequestSchema = z.strictObject({
  kinds: z.array(ItemKindSchema).min(1).optional(),
  /** Items whose path lies inside this folder (a library folder or one below it). */
  folder: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
  /** Only these items (a selection on the map). */
  ids: z.array(z.number().int().positive()).min(1).max(1_000_000).optional(),
  statuses: z.array(ItemStatusSchema).min(1).optional(),
  /** Conditions on product fields, all of which must hold. */
  where: WhereSchema.optional(),
  sort: z.enum(['date', 'name']).optional(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).optional(),
});
export type BrowseRequest = z.input<typeof BrowseRequestSchema>;

export const JobControlRequestSchema = z.strictObject({ id: z.number().int().positive(), action: z.enum(['pause', 'resume', 'cancel']) });
export type JobControlRequest = z.infer<typeof JobControlRequestSchema>;

export const IndexControlRequestSchema = z.strictObject({ action: z.enum(['pause', 'resume', 'cancel']) });
export type IndexControlRequest = z.infer<typeof IndexControlRequestSchema>;

export const SaveSettingsRequestSchema = z.strictObject({
  /** CPU threads for embedding; null: all cores but one. */
  threads: z.number().int().min(1).max(256).nullable().optional(),
  /** Folders inside library folders to leave out (their items are removed at the next index). */
  excludedFolders: z.array(z.string().min(1).max(4096)).max(1000).optional(),
  /** Read the text in new photos when indexing ends (off by default: it costs more than indexing). */
  readText: z.boolean().optional(),
  /** The languages text is read in (Tesseract's codes); each one's model must be installed. */
  textLanguages: z.array(z.string().regex(/^[a-z]{3}(_[a-z]{3,5})?$/, 'a Tesseract language code such as eng, deu or chi_sim')).min(1).max(10).optional(),
  /** Find the faces in new photos after indexing (off by default: see the README's measurements). */
  faces: z.boolean().optional(),
  /** The words the map names its clusters with; [] brings back the built-in ones. */
  mapVocabulary: z.array(z.string().trim().min(1).max(60)).max(2000).optional(),
});
export type SaveSettingsRequest = z.infer<typeof SaveSettingsRequestSchema>;

/** The settings kept with the library, as stored (the settings service reads them through these). */
export const LibrarySettingsSchema = z.object({
  threads: z.number().int().min(1).max(256).nullable().optional(),
  excludedFolders: z.array(z.string()).optional(),
  readText: z.boolean().optional(),
  textLanguages: z.array(z.string()).optional(),
  faces: z.boolean().optional(),
  mapVocabulary: z.array(z.string()).optional(),
});
export const ModelSettingsSchema = z.partialRecord(z.enum(MODEL_SPACES), z.object({ model: z.string().optional(), dtype: z.enum(DTYPES).optional() }));
export const SavedPresetsSchema = z.record(z.string(), WeightsSchema);

const AlbumNameSchema = z.string().trim().min(1).max(100);
/** A smart album kept as a weighted view: look-alikes of an item, or substitutes of a product, with the sliders' weights. */
export const AlbumViewSchema = z.union([
  z.strictObject({ similar: z.strictObject({ target: z.string().min(1).max(4096), weights: WeightsSchema }) }),
  z.strictObject({
    substitutes: z.strictObject({ product: z.union([z.string().min(1).max(1000), z.number().int().positive()]), weights: WeightsSchema, where: WhereSchema.optional() }),
  }),
]);
export type AlbumView = z.infer<typeof AlbumViewSchema>;
export const AlbumRequestSchema = z.strictObject({ name: AlbumNameSchema });
export const CreateAlbumRequestSchema = z.strictObject({
  name: AlbumNameSchema,
  /** Makes a smart album: whatever this query finds (words, filters, weights) when it is opened. */
  query: z.string().trim().min(1).max(2000).optional(),
  /** Makes a smart album of a weighted view (look-alikes or substitutes, as the sliders set them). */
  view: AlbumViewSchema.optional(),
  /** Items to put in a plain album right away. */
  ids: z.array(z.number().int().positive()).max(100_000).optional(),
});
export const AlbumItemsRequestSchema = z.strictObject({ name: AlbumNameSchema, ids: z.array(z.number().int().positive()).min(1).max(100_000) });
export const RenameAlbumRequestSchema = z.strictObject({ name: AlbumNameSchema, to: AlbumNameSchema });

/** A tag given by hand to items ("name this cluster"), or taken off them again. */
export const TagItemsRequestSchema = z.strictObject({ tag: z.string().trim().min(1).max(100), ids: z.array(z.number().int().positive()).min(1).max(1_000_000) });
export type TagItemsRequest = z.infer<typeof TagItemsRequestSchema>;

export const DuplicatesRequestSchema = z.strictObject({
  /** Only these tiers (all when left out). */
  tiers: z.array(z.enum(DUPLICATE_TIERS)).min(1).optional(),
  /** The similar tier's threshold: how alike photos must look (centred visual cosine). */
  similarity: z.number().min(DUPLICATE_SIMILARITY.floor).max(1).optional(),
});
export type DuplicatesRequest = z.infer<typeof DuplicatesRequestSchema>;
const DuplicateIdsSchema = z.array(z.number().int().positive()).min(2).max(1000);
/** "Not duplicates": the pictures of a group stay apart from now on (and the undo of it). */
export const DismissDuplicatesRequestSchema = z.strictObject({ ids: DuplicateIdsSchema });
export type DismissDuplicatesRequest = z.infer<typeof DismissDuplicatesRequestSchema>;
/** Takes duplicates out of the library: to the system's trash, or into a folder; undoable. */
export const SetAsideRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('trash'), ids: z.array(z.number().int().positive()).min(1).max(1000) }),
  z.strictObject({ action: z.literal('move'), ids: z.array(z.number().int().positive()).min(1).max(1000), folder: z.string().min(1).max(4096) }),
]);
export type SetAsideRequest = z.infer<typeof SetAsideRequestSchema>;
export const UndoSetAsideRequestSchema = z.strictObject({ batch: z.number().int().positive() });
/** The text read in an item's picture. */
export const ItemTextRequestSchema = z.strictObject({ id: z.number().int().positive() });
export const ItemFacesRequestSchema = z.strictObject({ id: z.number().int().positive() });
const PersonNameSchema = z.string().trim().min(1).max(100);
export const PeopleRequestSchema = z.strictObject({ hidden: z.boolean().optional() });
export const NamePersonRequestSchema = z.strictObject({ id: z.number().int().positive(), name: PersonNameSchema.nullable() });
export const MergePeopleRequestSchema = z.strictObject({ from: z.number().int().positive(), into: z.number().int().positive() });
export const FaceRequestSchema = z.strictObject({ face: z.number().int().positive() });
export const AssignFaceRequestSchema = z.strictObject({ face: z.number().int().positive(), person: z.number().int().positive() });
export const HidePersonRequestSchema = z.strictObject({ id: z.number().int().positive(), hidden: z.boolean() });
/** What tells a group's files apart beyond their size: format, EXIF, GPS, sharpness. */
export const DuplicateFactsRequestSchema = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(50) });
