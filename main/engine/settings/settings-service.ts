import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import {
  LibrarySettingsSchema,
  ModelSettingsSchema,
  SavedPresetsSchema,
  WEIGHT_PRESETS,
  type FinderApi,
  type SaveSettingsRequest,
  type SettingsResponse,
  type WeightPresetsResponse,
} from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import { DEFAULT_MAP_VOCABULARY } from '../map/vocabulary.js';
import { languageModel } from '../text/text-reader.js';
import type { EngineEvents } from '../events.js';
import type { LibraryStore, SettingsStore } from '../store/library-store.js';

export type LibrarySettings = z.infer<typeof LibrarySettingsSchema>;
export type ModelSettings = z.infer<typeof ModelSettingsSchema>;
export type SavedPresets = z.infer<typeof SavedPresetsSchema>;

/** The settings kept with the library, each under its key and read through its schema. */
const KEYS = {
  library: { key: 'library', schema: LibrarySettingsSchema },
  models: { key: 'models', schema: ModelSettingsSchema },
  presets: { key: 'weightPresets', schema: SavedPresetsSchema },
} as const;

export type SettingKind = keyof typeof KEYS;
type Kind = SettingKind;
type ValueOf<K extends Kind> = z.infer<(typeof KEYS)[K]['schema']>;

/**
 * The user's choices saved in the database: embedding threads and excluded folders, models
 * per space, their own weight presets. A stored value that does not fit its schema (edited by
 * hand, or from a build that got it wrong) is ignored with its defaults, never cast.
 */
export class SettingsService {
  /** The folder of hand-copied text models (`<models folder>/tesseract`), set by the engine. */
  textModels: () => string | null = () => null;

  constructor(
    private readonly store: LibraryStore,
    private readonly events: EngineEvents,
  ) {}

  read<K extends Kind>(kind: K): ValueOf<K> {
    return settingOf(kind, this.store.getSetting(KEYS[kind].key));
  }

  write<K extends Kind>(kind: K, value: ValueOf<K>): void {
    this.store.setSetting(KEYS[kind].key, KEYS[kind].schema.parse(value));
  }

  readonly api = {
    weightPresets: (): Promise<WeightPresetsResponse> => Promise.resolve(presetsResponse(this.read('presets'))),

    saveWeightPreset: async ({ name, weights }): Promise<WeightPresetsResponse> => {
      const saved = withPreset(this.read('presets'), name, weights);
      this.write('presets', saved);
      return presetsResponse(saved);
    },

    settings: (): Promise<SettingsResponse> => Promise.resolve(this.describe()),

    saveSettings: async (request: SaveSettingsRequest): Promise<SettingsResponse> => {
      const saved = this.read('library');
      const next = mergeSettings(saved, request, this.textModels());
      this.write('library', next);
      if ((next.threads ?? null) !== (saved.threads ?? null)) this.events.emit({ type: 'threads-changed' });
      // Excluded folders change what is scanned and watched: re-index and re-watch now.
      if (request.excludedFolders) this.events.emit({ type: 'folders-changed', rescan: true });
      return this.describe();
    },
  } satisfies Pick<FinderApi, 'weightPresets' | 'saveWeightPreset' | 'settings' | 'saveSettings'>;

  private describe(): SettingsResponse {
    return describeSettings(this.read('library'), path.dirname(this.store.file));
  }
}

/** The library's settings with a request's changes: folders made absolute and each once, languages checked, the map's words trimmed. */
export function mergeSettings(saved: LibrarySettings, request: SaveSettingsRequest, textModels: string | null): LibrarySettings {
  return {
    ...saved,
    ...(request.threads !== undefined ? { threads: request.threads } : {}),
    ...(request.excludedFolders ? { excludedFolders: [...new Set(request.excludedFolders.map((f) => path.resolve(f)))] } : {}),
    ...(request.readText !== undefined ? { readText: request.readText } : {}),
    ...(request.faces !== undefined ? { faces: request.faces } : {}),
    ...(request.textLanguages ? { textLanguages: checkedLanguages(request.textLanguages, textModels) } : {}),
    // Each word once, as typed; none: the built-in words again.
    ...(request.mapVocabulary ? { mapVocabulary: [...new Set(request.mapVocabulary.map((w) => w.trim()).filter(Boolean))] } : {}),
  };
}

/** The settings as the Settings window shows them, defaults filled in. */
export function describeSettings(saved: LibrarySettings, dataFolder: string): SettingsResponse {
  return {
    threads: saved.threads ?? null,
    cores: os.availableParallelism(),
    excludedFolders: saved.excludedFolders ?? [],
    readText: saved.readText ?? false,
    textLanguages: saved.textLanguages ?? ['eng'],
    faces: saved.faces ?? false,
    mapVocabulary: mapVocabulary(saved),
    mapVocabularyBuiltIn: (saved.mapVocabulary ?? []).length === 0,
    dataFolder,
  };
}

/** Languages to read text in, each with its model installed (else an error naming where to get it); nothing is saved otherwise. */
function checkedLanguages(codes: readonly string[], textModels: string | null): string[] {
  const unique = [...new Set(codes)];
  for (const code of unique) {
    try {
      languageModel(code, textModels);
    } catch (error) {
      throw badInput(`Text cannot be read in that language: ${error instanceof Error ? error.message : String(error)}.`);
    }
  }
  return unique;
}

/** The built-in presets and the user's, theirs by name. */
export function presetsResponse(saved: SavedPresets): WeightPresetsResponse {
  return {
    builtIn: (Object.keys(WEIGHT_PRESETS) as (keyof typeof WEIGHT_PRESETS)[]).map((name) => ({ name, weights: WEIGHT_PRESETS[name] })),
    saved: Object.entries(saved)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, weights]) => ({ name, weights })),
  };
}

/** The user's presets with one saved (or, for null weights, deleted); a built-in name is refused. */
export function withPreset(saved: SavedPresets, name: string, weights: SavedPresets[string] | null): SavedPresets {
  if (Object.hasOwn(WEIGHT_PRESETS, name)) throw badInput(`"${name}" is a built-in preset; save yours under another name.`);
  const next = { ...saved };
  if (weights === null) delete next[name];
  else next[name] = weights;
  return next;
}

/** A setting read through its schema: a stored value that does not fit (edited by hand, or from a build that got it wrong) is ignored, never cast. */
export async function loadSetting<K extends Kind>(store: SettingsStore, kind: K): Promise<ValueOf<K>> {
  return settingOf(kind, await store.getSetting(KEYS[kind].key));
}

/** A setting changed in one step where the store can hold it meanwhile (PostgreSQL: another process waits). */
export async function updateSetting<K extends Kind>(store: { updateSetting(key: string, change: (stored: unknown) => unknown): Promise<unknown> }, kind: K, change: (value: ValueOf<K>) => ValueOf<K>): Promise<ValueOf<K>> {
  return (await store.updateSetting(KEYS[kind].key, (stored) => KEYS[kind].schema.parse(change(settingOf(kind, stored))))) as ValueOf<K>;
}

function settingOf<K extends Kind>(kind: K, stored: unknown): ValueOf<K> {
  const parsed = KEYS[kind].schema.safeParse(stored ?? {});
  return (parsed.success ? parsed.data : {}) as ValueOf<K>;
}

/** The words the map names clusters with: the user's, or the built-in ones when none were given. */
export function mapVocabulary(saved: LibrarySettings): string[] {
  return saved.mapVocabulary && saved.mapVocabulary.length > 0 ? saved.mapVocabulary : [...DEFAULT_MAP_VOCABULARY];
}
