import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { Tensor } from '@huggingface/transformers';
import sharp from 'sharp';
import type { Space } from '../../../preload/contract.js';
import { SemblanceError } from '../errors.js';
import {
  loadModel,
  type DownloadProgress,
  type LoadedImageModel,
  type LoadedModel,
  type LoadedTextModel,
  type ModelPart,
} from '../models/load-models.js';

type LoadedPart<P extends ModelPart> = P extends 'clip-text' | 'text' ? LoadedTextModel : LoadedImageModel;
import type { ModelConfig } from '../models/registry.js';
import { perceptualHashes, type PerceptualHashes } from '../duplicates/perceptual-hash.js';
import { COLOUR_DIMS, colourDescriptor } from './colour-descriptor.js';
import { decodeImage, explain, type DecodedImage } from './decode-image.js';
import { modelInput, neededShortSide } from './model-input.js';

export type ImageSpace = 'clip' | 'visual' | 'colour';
export type TextSpace = 'clip' | 'text';

export type ImageEmbedding =
  | {
      ok: true;
      vectors: Partial<Record<ImageSpace, Float32Array>>;
      width: number;
      height: number;
      format: string;
      /** EXIF DateTimeOriginal in ms, when the photo has one. */
      takenAt: number | null;
      /** The photo's own title and description (XMP, EXIF), when it has them. */
      caption: string | null;
      /** Its perceptual hashes, turned 0/90/180/270° (duplicates/perceptual-hash.ts). */
      hashes: [string, string, string, string];
    }
  | { ok: false; reason: string };

export interface EmbedImageOptions {
  /** Per input, where to write its thumbnail (WebP, at most 320 px), or null for none. */
  thumbnails?: readonly (string | null)[];
}

/** Longest side of a thumbnail. */
export const THUMBNAIL_SIZE = 320;

/** Writes a thumbnail from the one decode, atomically: a reader never sees half a file. */
async function writeThumbnail(image: DecodedImage, target: string): Promise<void> {
  if (fs.existsSync(target)) return; // keyed by content hash: already made
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.${threadId}.partial`;
  await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80, effort: 1 })
    .toFile(partial);
  await fs.promises.rename(partial, target);
}

export interface EmbeddersOptions {
  config: ModelConfig;
  /** onnxruntime threads per model session. */
  threads: number;
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Turns images and texts into unit vectors, one model session per space, loaded once and
 * reused (creating and releasing onnxruntime sessions leaks memory). Each image is decoded
 * once; every model's input and the colour descriptor come from that one decode.
 */
export class Embedders {
  private readonly options: EmbeddersOptions;
  private readonly models = new Map<ModelPart, Promise<LoadedModel>>();

  constructor(options: EmbeddersOptions) {
    this.options = options;
  }

  /** A loaded model part, created once; a failed load is forgotten so the next call retries. */
  model<P extends ModelPart>(part: P): Promise<LoadedPart<P>> {
    let loading = this.models.get(part);
    if (!loading) {
      loading = loadModel(part, this.options.config, this.options);
      loading.catch(() => this.models.delete(part));
      this.models.set(part, loading);
    }
    return loading as Promise<LoadedPart<P>>;
  }

  /**
   * Loads every part of a space's model (downloading what is missing) and returns the length
   * of its vectors, measured on a probe: configs do not always say.
   */
  async prepare(space: Space): Promise<number> {
    if (space === 'colour') return COLOUR_DIMS;
    if (space === 'text') return ((await this.embedTexts(['probe'], 'text'))[0] as Float32Array).length;
    const probe = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
    const [result] = await this.embedImages([probe], [space]);
    const vector = result?.ok ? result.vectors[space] : undefined;
    if (!vector) throw new SemblanceError('internal', `The ${space} model gave no vector for a probe image.`);
    if (space === 'clip') await this.model('clip-text');
    return vector.length;
  }

  /** How many CLIP tokens each text has (CLIP reads at most 77). */
  async countTokens(texts: readonly string[]): Promise<number[]> {
    const { tokenizer } = await this.model('clip-text');
    return texts.map((text) => (tokenizer.encode(text) as number[]).length);
  }

  async embedTexts(texts: readonly string[], space: TextSpace): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    if (space === 'clip') {
      const { tokenizer, model } = await this.model('clip-text');
      const inputs = tokenizer([...texts], { padding: true, truncation: true, max_length: 77 });
      const { text_embeds } = (await model(inputs)) as { text_embeds: Tensor };
      return rows(text_embeds).map(unit);
    }
    const { tokenizer, model } = await this.model('text');
    const inputs = tokenizer([...texts], { padding: true, truncation: true });
    const { last_hidden_state } = (await model(inputs)) as { last_hidden_state: Tensor };
    return meanPool(last_hidden_state, inputs.attention_mask as Tensor).map(unit);
  }

  /**
   * Embeds images into the given spaces. A file that cannot be read or decoded gets
   * `{ok: false, reason}`; it never fails the others. A model that cannot be loaded does
   * throw: that is not the image's fault.
   */
  async embedImages(
    inputs: readonly (string | Buffer)[],
    spaces: readonly ImageSpace[],
    options: EmbedImageOptions = {},
  ): Promise<ImageEmbedding[]> {
    const clip = spaces.includes('clip') ? await this.model('clip-vision') : undefined;
    const visual = spaces.includes('visual') ? await this.model('visual') : undefined;
    const thumbnails = options.thumbnails;
    const shortSide = Math.max(
      thumbnails ? THUMBNAIL_SIZE : 48,
      clip ? neededShortSide(clip.processor) : 0,
      visual ? neededShortSide(visual.processor) : 0,
    );
    const decoded = await Promise.all(
      // The reason alone: results are positional, so the caller knows which input it was.
      inputs.map((input) => decodeImage(input, shortSide).catch((error: unknown) => explain(error instanceof Error && error.cause ? error.cause : error, input))),
    );
    const good = decoded.filter((d): d is DecodedImage => typeof d !== 'string');
    if (thumbnails) {
      await Promise.all(
        decoded.map((d, i) => {
          const target = thumbnails[i];
          return typeof d === 'string' || !target ? undefined : writeThumbnail(d, target);
        }),
      );
    }
    const vectors: Partial<Record<ImageSpace, Float32Array[]>> = {};
    if (clip) {
      const pixels = await batchInput(good, (image) => modelInput(image, clip.processor));
      vectors.clip = await runBatches(pixels, async (batch) => {
        const { image_embeds } = (await clip.model({ pixel_values: batch })) as { image_embeds: Tensor };
        return rows(image_embeds);
      });
    }
    if (visual) {
      const pixels = await batchInput(good, (image) => modelInput(image, visual.processor));
      vectors.visual = await runBatches(pixels, async (batch) => pooled((await visual.model({ pixel_values: batch })) as Record<string, Tensor>));
    }
    if (spaces.includes('colour')) vectors.colour = await Promise.all(good.map((image) => colourDescriptor(image)));
    // From the same decode: about 2 ms a picture, and what finds re-saved copies later.
    const hashes = await Promise.all(good.map((image) => perceptualHashes(image.pixels, image.width, image.height)));

    let next = 0;
    return decoded.map((d) => {
      if (typeof d === 'string') return { ok: false, reason: d };
      const i = next++;
      const out: Partial<Record<ImageSpace, Float32Array>> = {};
      for (const space of spaces) {
        const v = vectors[space]?.[i];
        if (v) out[space] = unit(v);
      }
      return {
        ok: true,
        vectors: out,
        width: d.original.width,
        height: d.original.height,
        format: d.original.format,
        takenAt: d.original.takenAt,
        caption: d.original.caption,
        hashes: (hashes[i] as PerceptualHashes).hashes,
      };
    });
  }

  /** Releases the onnxruntime sessions. */
  async dispose(): Promise<void> {
    const loaded = await Promise.allSettled(this.models.values());
    this.models.clear();
    for (const result of loaded) {
      if (result.status === 'fulfilled') await result.value.model.dispose();
    }
  }
}

/** Model inputs of same-sized images go in one tensor; a ragged size runs alone. */
async function batchInput(
  images: readonly DecodedImage[],
  prepare: (image: DecodedImage) => Promise<{ data: Float32Array; width: number; height: number }>,
): Promise<Tensor[]> {
  const prepared = await Promise.all(images.map(prepare));
  const batches: Tensor[] = [];
  let start = 0;
  while (start < prepared.length) {
    const first = prepared[start] as { width: number; height: number };
    let end = start + 1;
    while (end < prepared.length && prepared[end]?.width === first.width && prepared[end]?.height === first.height) end++;
    const plane = 3 * first.width * first.height;
    const data = new Float32Array((end - start) * plane);
    for (let i = start; i < end; i++) data.set((prepared[i] as { data: Float32Array }).data, (i - start) * plane);
    batches.push(new Tensor('float32', data, [end - start, 3, first.height, first.width]));
    start = end;
  }
  return batches;
}

async function runBatches(batches: Tensor[], run: (batch: Tensor) => Promise<Float32Array[]>): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const batch of batches) out.push(...(await run(batch)));
  return out;
}

/** Pooled image features: `pooler_output` ([B, C] or [B, C, 1, 1]) or the spatial mean. */
function pooled(outputs: Record<string, Tensor>): Float32Array[] {
  const pooler = outputs['pooler_output'];
  if (pooler) return rows(pooler);
  const hidden = outputs['last_hidden_state'];
  if (!hidden || hidden.dims.length !== 4) {
    throw new SemblanceError('internal', 'The visual model returned neither pooler_output nor a [B, C, H, W] last_hidden_state.');
  }
  const [batch, channels, height, width] = hidden.dims as [number, number, number, number];
  const data = hidden.data as Float32Array;
  const plane = height * width;
  return Array.from({ length: batch }, (_, b) =>
    Float32Array.from({ length: channels }, (_, c) => {
      let sum = 0;
      const base = (b * channels + c) * plane;
      for (let i = 0; i < plane; i++) sum += data[base + i] as number;
      return sum / plane;
    }),
  );
}

/** Splits a [B, ...] tensor into B flat rows. */
function rows(tensor: Tensor): Float32Array[] {
  const batch = tensor.dims[0] as number;
  const data = tensor.data as Float32Array;
  const size = data.length / batch;
  return Array.from({ length: batch }, (_, b) => data.slice(b * size, (b + 1) * size));
}

/** Mean of token vectors over the tokens the attention mask keeps. */
function meanPool(hidden: Tensor, mask: Tensor): Float32Array[] {
  const [batch, tokens, dims] = hidden.dims as [number, number, number];
  const data = hidden.data as Float32Array;
  const keep = mask.data as BigInt64Array;
  return Array.from({ length: batch }, (_, b) => {
    const out = new Float32Array(dims);
    let count = 0;
    for (let t = 0; t < tokens; t++) {
      if (keep[b * tokens + t] === 0n) continue;
      count++;
      const base = (b * tokens + t) * dims;
      for (let d = 0; d < dims; d++) out[d] = (out[d] as number) + (data[base + d] as number);
    }
    for (let d = 0; d < dims; d++) out[d] = (out[d] as number) / Math.max(1, count);
    return out;
  });
}

/** Scales to unit length (a zero vector stays zero: the store refuses it with a clear error). */
function unit(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm > 0 ? vector.map((x) => x / norm) : vector;
}
