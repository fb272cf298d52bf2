/** The embedding worker as piscina runs it: one Embedders per thread, one task per batch of images. */
import { workerData } from 'node:worker_threads';
import type { ImageEmbedding, ImageSpace } from '../main/engine/embed/embedders.js';
import { Embedders } from '../main/engine/embed/embedders.js';
import type { ModelConfig } from '../main/engine/models/registry.js';

const { config, threads } = workerData as { config: ModelConfig; threads: number };
const embedders = new Embedders({ config, threads });

export default function embed(task: { inputs: string[]; spaces: ImageSpace[] }): Promise<ImageEmbedding[]> {
  return embedders.embedImages(task.inputs, task.spaces);
}
