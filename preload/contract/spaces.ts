/**
 * The one table of embedding spaces. The contract's enums, the model registry and its
 * environment variables, the CLI's choices, the store's check of space names and the UI's
 * words all come from here: adding a space is a row here plus its embedder.
 */
export interface SpaceInfo {
  /** What goes in: pictures, words, or both (one space for words and pictures). */
  modality: 'image' | 'text' | 'image+text';
  /** The user's word for what the space compares (a slider's label). */
  word: string;
  /** "Similar …" in a sentence. */
  phrase: string;
  /** A neural model fills it (and can be chosen); else it is computed from pixels. */
  model: { id: string; dims: number; role: string; envModel: string; envDtype: string } | null;
  /** Photos are embedded into it by default. */
  photoDefault: boolean;
}

export const SPACE_TABLE = {
  clip: {
    modality: 'image+text',
    word: 'meaning',
    phrase: 'similar meaning',
    model: {
      id: 'Xenova/clip-vit-base-patch32',
      dims: 512,
      role: 'words and images in one space (default: CLIP ViT-B/32)',
      envModel: 'SEMBLANCE_MODEL_CLIP',
      envDtype: 'SEMBLANCE_DTYPE_CLIP',
    },
    photoDefault: true,
  },
  visual: {
    modality: 'image',
    word: 'look',
    phrase: 'similar look',
    model: {
      id: 'Xenova/resnet-18',
      dims: 512,
      role: 'look-alike images (default: ResNet-18 pooled features)',
      envModel: 'SEMBLANCE_MODEL_VISUAL',
      envDtype: 'SEMBLANCE_DTYPE_VISUAL',
    },
    photoDefault: true,
  },
  text: {
    modality: 'text',
    word: 'words',
    phrase: 'similar words',
    model: {
      id: 'Xenova/distilbert-base-nli-mean-tokens',
      dims: 768,
      role: 'text similarity (default: DistilBERT sentence model, mean pooling)',
      envModel: 'SEMBLANCE_MODEL_TEXT',
      envDtype: 'SEMBLANCE_DTYPE_TEXT',
    },
    photoDefault: false,
  },
  colour: {
    modality: 'image',
    word: 'colour',
    phrase: 'similar colours',
    model: null,
    photoDefault: true,
  },
} as const satisfies Record<string, SpaceInfo>;

export type Space = keyof typeof SPACE_TABLE;
/** The spaces a neural model fills. */
export type ModelSpaceName = { [S in Space]: (typeof SPACE_TABLE)[S]['model'] extends null ? never : S }[Space];

/** Embedding spaces, in the order they are shown to users. */
export const SPACES = Object.keys(SPACE_TABLE) as [Space, ...Space[]];
export const MODEL_SPACES = SPACES.filter((space) => SPACE_TABLE[space].model !== null) as [ModelSpaceName, ...ModelSpaceName[]];
/**
 * What a search score is made of: each space's share, and `printed`, the share of the words
 * printed in the picture (the text read in it), with the user's words for them.
 */
export type Signal = Space | 'printed';
export const SIGNALS = [...SPACES, 'printed'] as [Signal, ...Signal[]];
export const SIGNAL_WORDS: Record<Signal, { word: string; phrase: string }> = {
  ...(Object.fromEntries(SPACES.map((space) => [space, { word: SPACE_TABLE[space].word, phrase: SPACE_TABLE[space].phrase }])) as Record<Space, { word: string; phrase: string }>),
  printed: { word: 'its text', phrase: 'its text' },
};
/** Spaces a photo can be embedded into (every space takes pictures or their words). */
export const PHOTO_DEFAULT_SPACES: Space[] = SPACES.filter((space) => SPACE_TABLE[space].photoDefault);
