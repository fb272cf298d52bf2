import sharp, { type KernelEnum } from 'sharp';
import type { ImageProcessorConfig } from '../models/load-models.js';
import type { DecodedImage } from './decode-image.js';

/** PIL resample codes (what preprocessor configs use) as sharp kernels. */
const KERNELS: Record<number, keyof KernelEnum> = {
  0: 'nearest',
  1: 'lanczos3',
  2: 'linear',
  3: 'cubic',
  4: 'linear',
  5: 'linear',
};

export interface InputPlan {
  resize: { width: number; height: number } | null;
  crop: { width: number; height: number } | null;
}

/**
 * Where the model input comes from, following the preprocessor config the way
 * transformers.js's image processors read it: `size.shortest_edge` keeps the aspect ratio
 * (ConvNext/ResNet first resizes to shortest_edge / crop_pct, then crops to shortest_edge),
 * `size.{width,height}` resizes to exactly that, then an optional centre crop.
 */
export function planInput(config: ImageProcessorConfig, width: number, height: number): InputPlan {
  const size = typeof config.size === 'number' ? { shortest_edge: config.size } : config.size;
  let resize: InputPlan['resize'] = null;
  let crop: InputPlan['crop'] = null;
  const keepAspect = (shortest: number): { width: number; height: number } => {
    const factor = Math.max(shortest / width, shortest / height);
    return {
      width: Math.floor(Number((width * factor).toFixed(2))),
      height: Math.floor(Number((height * factor).toFixed(2))),
    };
  };
  if (config.do_resize !== false && size) {
    if (config.image_processor_type?.startsWith('ConvNext') && size.shortest_edge !== undefined) {
      const shortest = size.shortest_edge;
      if (shortest < 384) {
        resize = keepAspect(Math.floor(shortest / (config.crop_pct ?? 224 / 256)));
        crop = { width: shortest, height: shortest };
      } else {
        resize = { width: shortest, height: shortest };
      }
    } else if (size.shortest_edge !== undefined) {
      resize = keepAspect(size.shortest_edge);
    } else if (size.width !== undefined && size.height !== undefined) {
      resize = { width: size.width, height: size.height };
    }
  }
  if (config.do_center_crop && config.crop_size !== undefined) {
    const c = config.crop_size;
    crop = typeof c === 'number' ? { width: c, height: c } : { width: c.width, height: c.height };
  }
  return { resize, crop };
}

/** The shorter side a decode must keep so that no model input is upscaled from it. */
export function neededShortSide(config: ImageProcessorConfig): number {
  const plan = planInput(config, 1000, 1000);
  return Math.max(plan.resize?.width ?? 0, plan.crop?.width ?? 0, plan.crop?.height ?? 0, 32);
}

/**
 * The model's pixel_values for one decoded image: float32, channels first, rescaled and
 * normalised with the config's mean and std.
 */
export async function modelInput(image: DecodedImage, config: ImageProcessorConfig): Promise<{ data: Float32Array; width: number; height: number }> {
  const plan = planInput(config, image.width, image.height);
  let pipeline = sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } });
  let width = image.width;
  let height = image.height;
  if (plan.resize && (plan.resize.width !== width || plan.resize.height !== height)) {
    pipeline = pipeline.resize(plan.resize.width, plan.resize.height, { fit: 'fill', kernel: KERNELS[config.resample ?? 2] ?? 'linear' });
    ({ width, height } = plan.resize);
  }
  if (plan.crop && (plan.crop.width !== width || plan.crop.height !== height)) {
    const crop = plan.crop;
    if (crop.width > width || crop.height > height) {
      // Smaller than the crop: centre it on black first, as transformers.js does.
      const padWidth = Math.max(0, crop.width - width);
      const padHeight = Math.max(0, crop.height - height);
      const left = Math.floor(padWidth / 2);
      const top = Math.floor(padHeight / 2);
      const padded = await pipeline
        .extend({ left, right: padWidth - left, top, bottom: padHeight - top, background: '#000000' })
        .raw()
        .toBuffer();
      width += padWidth;
      height += padHeight;
      pipeline = sharp(padded, { raw: { width, height, channels: 3 } });
    }
    // transformers.js floors the offsets of a centre crop.
    const left = Math.floor((width - crop.width) / 2);
    const top = Math.floor((height - crop.height) / 2);
    pipeline = pipeline.extract({ left, top, width: crop.width, height: crop.height });
    ({ width, height } = crop);
  }
  const pixels = await pipeline.raw().toBuffer();
  return { data: normalise(pixels, width, height, config), width, height };
}

function normalise(pixels: Buffer, width: number, height: number, config: ImageProcessorConfig): Float32Array {
  const scale = config.do_rescale === false ? 1 : (config.rescale_factor ?? 1 / 255);
  const perChannel = (value: number[] | number | undefined, fallback: number): number[] =>
    Array.isArray(value) ? value : [0, 1, 2].map(() => value ?? fallback);
  const normalize = config.do_normalize !== false;
  const mean = normalize ? perChannel(config.image_mean, 0.5) : [0, 0, 0];
  const std = normalize ? perChannel(config.image_std, 0.5) : [1, 1, 1];
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = mean[c] as number;
    const s = std[c] as number;
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = ((pixels[i * 3 + c] as number) * scale - m) / s;
  }
  return out;
}
