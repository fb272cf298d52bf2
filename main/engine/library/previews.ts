import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PhotoInfo, PreviewResponse } from '../../../preload/contract.js';
import { MAX_INPUT_PIXELS } from '../embed/decode-image.js';

/**
 * What the viewer shows for an original: the file itself when a browser can show it and it
 * is of a sane size, else a bounded JPEG rendered once (long side PREVIEW_SIDE) and kept by
 * content hash: a 100 MP photo or a TIFF is never decoded whole in the page.
 */
export const PREVIEW_SIDE = 2560;
/** Originals up to this many pixels are shown as they are (a 24 MP camera photo). */
const SHOWN_AS_IS_PIXELS = 25_000_000;
const BROWSER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);

export function previewPath(previewsDir: string, contentHash: string): string {
  return path.join(previewsDir, contentHash.slice(0, 2), `${contentHash}.jpg`);
}

/** Bounded copies being made now, by their file. */
const beingMade = new Map<string, Promise<void>>();

async function makePreview(original: string, preview: string): Promise<void> {
  const { default: sharp } = await import('sharp');
  fs.mkdirSync(path.dirname(preview), { recursive: true });
  const partial = `${preview}.${process.pid}.${randomUUID()}.part`;
  try {
    await sharp(original, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: PREVIEW_SIDE, height: PREVIEW_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 88, mozjpeg: true })
      .toFile(partial);
    fs.renameSync(partial, preview);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** Makes the preview if the original needs one; the picture's sizes and what its EXIF says. */
export async function preparePreview(original: string, preview: string): Promise<PreviewResponse> {
  const { default: sharp } = await import('sharp');
  const metadata = await sharp(original, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  const turned = (metadata.orientation ?? 1) >= 5;
  const width = (turned ? metadata.height : metadata.width) ?? 0;
  const height = (turned ? metadata.width : metadata.height) ?? 0;
  const info = metadata.exif ? await photoInfo(metadata.exif) : {};
  const asIs = BROWSER_FORMATS.has(metadata.format ?? '') && width * height <= SHOWN_AS_IS_PIXELS;
  if (asIs) return { width, height, shown: { width, height }, scaled: false, info };
  if (!fs.existsSync(preview)) {
    // Asked twice at once (the list refreshed under the viewer), the copy is made once: two
    // writers of one file would leave it torn, and the picture would never finish loading.
    let making = beingMade.get(preview);
    if (!making) {
      making = makePreview(original, preview).finally(() => beingMade.delete(preview));
      beingMade.set(preview, making);
    }
    await making;
  }
  const shown = await sharp(preview).metadata();
  return { width, height, shown: { width: shown.width ?? 0, height: shown.height ?? 0 }, scaled: true, info };
}

/** The camera's account of a photo, in words a person reads (what a photo app's info panel shows). */
async function photoInfo(exif: Buffer): Promise<PhotoInfo> {
  const { default: exifReader } = await import('exif-reader');
  let tags: ReturnType<typeof exifReader>;
  try {
    tags = exifReader(exif);
  } catch {
    return {}; // broken EXIF: nothing to tell
  }
  const image = tags.Image ?? {};
  const photo = tags.Photo ?? {};
  const gps = tags.GPSInfo ?? {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.replace(/\0+$/, '').trim() : undefined);
  const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const camera = [text(image.Make), text(image.Model)].filter(Boolean).join(' ');
  const exposure = number(photo.ExposureTime);
  const latitude = degrees(gps.GPSLatitude, gps.GPSLatitudeRef);
  const longitude = degrees(gps.GPSLongitude, gps.GPSLongitudeRef);
  const out: PhotoInfo = {};
  if (camera) out.camera = camera;
  const lens = text(photo.LensModel);
  if (lens) out.lens = lens;
  if (exposure !== undefined) out.exposure = exposure >= 1 ? `${exposure} s` : `1/${Math.round(1 / exposure)} s`;
  const aperture = number(photo.FNumber);
  if (aperture !== undefined) out.aperture = `ƒ/${aperture}`;
  const iso = number(photo.ISOSpeedRatings) ?? (Array.isArray(photo.ISOSpeedRatings) ? number(photo.ISOSpeedRatings[0]) : undefined);
  if (iso !== undefined) out.iso = iso;
  const focal = number(photo.FocalLength);
  if (focal !== undefined) out.focalLength = `${focal} mm`;
  if (latitude !== undefined && longitude !== undefined) out.place = { latitude, longitude };
  return out;
}

function degrees(value: unknown, ref: unknown): number | undefined {
  if (!Array.isArray(value) || value.length < 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  const [d, m, s] = value as [number, number, number];
  const signed = (d + m / 60 + s / 3600) * (ref === 'S' || ref === 'W' ? -1 : 1);
  return Math.abs(signed) <= 180 ? signed : undefined;
}
