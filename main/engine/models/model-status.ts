import type { ModelStatus, ModelsResponse } from '../../../preload/contract.js';
import { COLOUR_DIMS, COLOUR_MODEL_ID } from '../embed/colour-descriptor.js';
import { checkModelFiles, dimsFromConfig } from './model-files.js';
import { DEFAULT_MODELS, MODEL_SPACES, type ModelConfig } from './registry.js';

/** What `semblance models` reports: read from disk, nothing is loaded or downloaded. */
export function describeModels(config: ModelConfig): ModelsResponse {
  const models: ModelStatus[] = MODEL_SPACES.map((space) => {
    const spec = config.specs[space];
    const presence = checkModelFiles(spec, config);
    const known = spec.id === DEFAULT_MODELS[space].id ? DEFAULT_MODELS[space].dims : null;
    return {
      space,
      model: spec.id,
      role: DEFAULT_MODELS[space].role,
      dtype: spec.dtype,
      dims: (presence.present ? dimsFromConfig(presence.folder) : null) ?? known,
      source: spec.source,
      folder: presence.folder,
      present: presence.present,
      missing: presence.missing,
      sizeBytes: presence.bytes,
    };
  });
  models.push({
    space: 'colour',
    model: COLOUR_MODEL_ID,
    role: 'colour distribution (CIELAB histogram, computed from the pixels)',
    dtype: null,
    dims: COLOUR_DIMS,
    source: 'built-in',
    folder: null,
    present: true,
    missing: [],
    sizeBytes: 0,
  });
  return { modelsDir: config.modelsDir, offline: config.offline, models };
}
