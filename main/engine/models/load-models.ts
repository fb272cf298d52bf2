import path from 'node:path';
import {
  AutoImageProcessor,
  AutoModel,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  LogLevel,
  env as transformersEnv,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { SemblanceError } from '../errors.js';
import { checkModelFiles, modelFolder, requiredFiles } from './model-files.js';
import { envModel, type ModelConfig, type ModelSpace, type ModelSpec } from './registry.js';

export interface DownloadProgress {
  space: ModelSpace;
  model: string;
  file: string;
  loaded: number;
  total: number;
}

export interface LoadOptions {
  /** onnxruntime intra-op threads per session. */
  threads: number;
  onProgress?: (progress: DownloadProgress) => void;
}

/** The preprocessing a model's preprocessor_config.json asks for (the fields we follow). */
export interface ImageProcessorConfig {
  image_processor_type?: string;
  do_resize?: boolean;
  size?: { shortest_edge?: number; height?: number; width?: number } | number;
  resample?: number;
  crop_pct?: number;
  do_center_crop?: boolean;
  crop_size?: { height: number; width: number } | number;
  do_rescale?: boolean;
  rescale_factor?: number;
  do_normalize?: boolean;
  image_mean?: number[] | number;
  image_std?: number[] | number;
}

/** What one session serves: CLIP's two towers load separately (indexing needs only vision). */
export type ModelPart = 'clip-text' | 'clip-vision' | 'visual' | 'text';

export interface LoadedTextModel {
  part: 'clip-text' | 'text';
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}
export interface LoadedImageModel {
  part: 'clip-vision' | 'visual';
  model: PreTrainedModel;
  processor: ImageProcessorConfig;
}
export type LoadedModel = LoadedTextModel | LoadedImageModel;

export const SPACE_OF_PART: Record<ModelPart, ModelSpace> = {
  'clip-text': 'clip',
  'clip-vision': 'clip',
  visual: 'visual',
  text: 'text',
};

/**
 * Points transformers.js at Semblance's models folder: local folders are read from
 * `<modelsDir>/<hub id>/`, and downloads are cached into the same place, so a model
 * downloaded once (or copied there by hand) works offline from then on.
 */
export function configureTransformers(config: ModelConfig): void {
  transformersEnv.localModelPath = `${config.modelsDir}${path.sep}`;
  transformersEnv.cacheDir = config.modelsDir;
  transformersEnv.allowLocalModels = true;
  transformersEnv.useFSCache = true;
  transformersEnv.allowRemoteModels = !config.offline;
  if (config.remoteHost) transformersEnv.remoteHost = config.remoteHost.endsWith('/') ? config.remoteHost : `${config.remoteHost}/`;
  transformersEnv.logLevel = LogLevel.ERROR;
}

/**
 * Loads one part of a space's model: from its folder when the files are there, else from the
 * hub (unless offline) with progress events. A model that cannot be had is a clear error
 * that names the model, the space and the folder to put its files in; transformers.js's own
 * message for a missing local file is checked for first, because it is cryptic.
 */
export async function loadModel(part: ModelPart, config: ModelConfig, options: LoadOptions): Promise<LoadedModel> {
  const spec = config.specs[SPACE_OF_PART[part]];
  configureTransformers(config);
  const presence = checkModelFiles(spec, config);
  if (!presence.present && (spec.local || config.offline)) throw missingModel(spec, config, presence.missing);

  const from = spec.id;
  const pretrained = {
    dtype: spec.dtype,
    local_files_only: config.offline || spec.local,
    session_options: sessionOptions(options.threads),
    // Progress is for downloads: files already on disk load too fast to need a bar.
    progress_callback: (event: unknown) => (presence.present ? undefined : reportProgress(spec, event, options.onProgress)),
  };
  try {
    switch (part) {
      case 'clip-text':
      case 'text': {
        const [tokenizer, model] = await Promise.all([
          AutoTokenizer.from_pretrained(from, pretrained),
          part === 'clip-text' ? CLIPTextModelWithProjection.from_pretrained(from, pretrained) : AutoModel.from_pretrained(from, pretrained),
        ]);
        return { part, tokenizer, model };
      }
      case 'clip-vision':
      case 'visual': {
        const [model, processor] = await Promise.all([
          part === 'clip-vision' ? CLIPVisionModelWithProjection.from_pretrained(from, pretrained) : AutoModel.from_pretrained(from, pretrained),
          readProcessor(from, pretrained),
        ]);
        return { part, model, processor };
      }
    }
  } catch (error) {
    if (error instanceof SemblanceError) throw error;
    const after = checkModelFiles(spec, config);
    const reason = error instanceof Error ? error.message : String(error);
    if (!after.present) throw missingModel(spec, config, after.missing, reason);
    throw new SemblanceError('internal', `Could not load the ${spec.space} model ${spec.id}: ${reason}`, { cause: error });
  }
}

/** onnxruntime sessions: a fixed thread count, and no busy-waiting threads when idle. */
function sessionOptions(threads: number): Record<string, unknown> {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableCpuMemArena: process.env['SEMBLANCE_ORT_ARENA'] !== '0',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/** The preprocessor config, fetched (and cached) by transformers.js like every other file. */
async function readProcessor(from: string, pretrained: Record<string, unknown>): Promise<ImageProcessorConfig> {
  const processor = (await AutoImageProcessor.from_pretrained(from, pretrained)) as unknown as { config: ImageProcessorConfig };
  return processor.config;
}

function reportProgress(spec: ModelSpec, event: unknown, onProgress: LoadOptions['onProgress']): void {
  if (!onProgress || typeof event !== 'object' || event === null) return;
  const e = event as { status?: string; file?: string; loaded?: number; total?: number };
  if (e.status === 'progress' && typeof e.file === 'string') {
    onProgress({ space: spec.space, model: spec.id, file: e.file, loaded: e.loaded ?? 0, total: e.total ?? 0 });
  }
}


export function missingModel(spec: ModelSpec, config: ModelConfig, missing: string[], reason?: string): SemblanceError {
  const folder = modelFolder(spec, config);
  const why = spec.local
    ? `The ${spec.space} model folder ${folder} is incomplete`
    : config.offline
      ? `The ${spec.space} model ${spec.id} is not on this computer, and Semblance is offline (SEMBLANCE_OFFLINE)`
      : `The ${spec.space} model ${spec.id} is not on this computer and could not be downloaded${reason ? ` (${firstLine(reason)})` : ''}`;
  const required = requiredFiles(spec.space, spec.dtype);
  const lacking = missing.length < required.length ? ` (missing: ${missing.join(', ')})` : '';
  return new SemblanceError(
    'not-found',
    `${why}${lacking}. Put the model's files (${required.join(', ')}) into ${folder}, ` +
      `or set ${envModel(spec.space)} to a folder that has them.`,
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.slice(0, 200) ?? text;
}
