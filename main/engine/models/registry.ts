import fs from 'node:fs';
import path from 'node:path';
import { badInput } from '../errors.js';
import { defaultDataDir } from '../paths.js';

import { DTYPES, MODEL_SPACES, SPACE_TABLE, type Dtype, type ModelSpaceName } from '../../../preload/contract.js';

/** The spaces that a neural model fills; `colour` is computed from pixels. */
export { DTYPES, MODEL_SPACES, type Dtype };
export type ModelSpace = ModelSpaceName;

export interface ModelDefault {
  id: string;
  dims: number;
  /** What the space is for, in the words `semblance models` shows. */
  role: string;
}

/** Each model space's default, from the table of spaces. */
export const DEFAULT_MODELS = Object.fromEntries(
  MODEL_SPACES.map((space) => {
    const { id, dims, role } = SPACE_TABLE[space].model;
    return [space, { id, dims, role }];
  }),
) as Record<ModelSpace, ModelDefault>;

/** Per-space model choice; anything left out takes its environment variable, then the default. */
export type ModelSettings = Partial<Record<ModelSpace, { model?: string; dtype?: Dtype }>>;

export interface ModelSpec {
  space: ModelSpace;
  /** A hub id ("Xenova/resnet-18") or an absolute path to a local model folder. */
  id: string;
  /** True when `id` is a folder on this computer rather than a hub id. */
  local: boolean;
  dtype: Dtype;
  /** Where the choice came from, for `semblance models`. */
  source: 'default' | 'setting' | 'environment';
}

export interface ModelConfig {
  /** Folder of model folders: `<modelsDir>/<hub id>/...`; downloads are cached here too. */
  modelsDir: string;
  /** Never reach the network: a model that is not on disk is an error. */
  offline: boolean;
  /** Where models are downloaded from, when not the Hugging Face hub. */
  remoteHost: string | null;
  specs: Record<ModelSpace, ModelSpec>;
}

/** The environment variable that chooses a space's model, and the one for its dtype. */
export const envModel = (space: ModelSpace): string => SPACE_TABLE[space].model.envModel;
const envDtype = (space: ModelSpace): string => SPACE_TABLE[space].model.envDtype;

/**
 * Which model fills each space, where model files live and whether the network may be used.
 *
 * Precedence, per space: SEMBLANCE_MODEL_<SPACE> (a hub id or a folder), then the saved
 * setting, then the default. dtype: SEMBLANCE_DTYPE_<SPACE>, SEMBLANCE_DTYPE, the setting,
 * the model folder's own `transformers.js_config.dtype`, then fp32.
 */
export function resolveModelConfig(env: NodeJS.ProcessEnv = process.env, settings: ModelSettings = {}): ModelConfig {
  const modelsDir = path.resolve(env['SEMBLANCE_MODELS_DIR'] || path.join(defaultDataDir(env), 'models'));
  const offline = ['1', 'true', 'yes'].includes((env['SEMBLANCE_OFFLINE'] ?? '').toLowerCase());
  const specs = Object.fromEntries(
    MODEL_SPACES.map((space) => {
      const fromSetting = settings[space]?.model;
      const fromEnv = env[envModel(space)];
      const chosen = fromEnv || fromSetting || DEFAULT_MODELS[space].id;
      const source = fromEnv ? 'environment' : fromSetting ? 'setting' : 'default';
      const local = looksLikePath(chosen);
      const id = local ? path.resolve(chosen) : checkHubId(chosen);
      const dtypeText = env[envDtype(space)] || env['SEMBLANCE_DTYPE'] || settings[space]?.dtype;
      const dtype = dtypeText !== undefined && dtypeText !== '' ? parseDtype(dtypeText, space) : folderDtype(local ? id : path.join(modelsDir, id));
      return [space, { space, id, local, dtype, source } satisfies ModelSpec];
    }),
  ) as Record<ModelSpace, ModelSpec>;
  // A mirror of the Hugging Face hub (same URL layout), e.g. inside a company network.
  const remoteHost = env['SEMBLANCE_MODEL_HOST'] || env['HF_ENDPOINT'] || null;
  return { modelsDir, offline, remoteHost, specs };
}

/**
 * A Hugging Face repository id as the hub accepts it: "name" or "owner/name", letters,
 * digits, "-", "_" and ".", at most 96 characters, no "--" or ".." and no "-" or "." at
 * either end. Anything else would be joined to the models folder as a path.
 */
export function checkHubId(id: string): string {
  const part = /^(?![-.])(?!.*(--|\.\.))[\w.-]{1,96}(?<![-.])$/;
  const parts = id.split('/');
  if (parts.length > 2 || !parts.every((p) => part.test(p)) || id.length > 96) {
    throw badInput(`"${id}" is neither a model folder on this computer nor a hub id (such as Xenova/resnet-18: letters, digits, "-", "_" and ".", one "/").`);
  }
  return id;
}

/** Hub ids look like "owner/name"; anything absolute, relative or existing is a folder. */
export function looksLikePath(id: string): boolean {
  return path.isAbsolute(id) || id.startsWith('./') || id.startsWith('../') || fs.existsSync(id);
}

function parseDtype(text: string, space: ModelSpace): Dtype {
  if ((DTYPES as readonly string[]).includes(text)) return text as Dtype;
  throw badInput(`The dtype of the ${space} model must be one of ${DTYPES.join(', ')}, got "${text}".`);
}

/** A model folder may say which variant it ships (config.json `transformers.js_config.dtype`). */
function folderDtype(folder: string): Dtype {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')) as {
      'transformers.js_config'?: { dtype?: unknown };
    };
    const dtype = config['transformers.js_config']?.dtype;
    if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) return dtype as Dtype;
  } catch {
    // No folder or no config yet: the default applies.
  }
  return 'fp32';
}

/** The key stored with a space's vectors: a different model or dtype means different vectors. */
export function modelKey(spec: ModelSpec): string {
  return `${spec.id}@${spec.dtype}`;
}
