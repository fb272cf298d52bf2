import path from 'node:path';
import { createRequire } from 'node:module';
import type Sharp from 'sharp';

/** The file types a library scan picks up. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp', '.heic', '.heif'];

/** Files and folders that are never photos: system clutter, other apps' caches, our own. */
const SYSTEM_NAMES = new Set(['thumbs.db', 'desktop.ini', '$recycle.bin', 'system volume information', '@eadir', 'lost+found']);

export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

export function hasImageExtension(file: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

/** Which of the scanned file types the installed sharp (libvips) can decode. */
export function decodableFormats(): Record<string, boolean> {
  // Loaded here, not at the top: a one-shot CLI command that reads no image never pays for sharp.
  const sharp = createRequire(import.meta.url)('sharp') as typeof Sharp;
  const formats = sharp.format as unknown as Record<string, { input?: { file?: boolean; fileSuffix?: string[] } }>;
  const suffixes = new Set(Object.values(formats).flatMap((f) => (f.input?.file ? (f.input.fileSuffix ?? []) : [])));
  return Object.fromEntries(IMAGE_EXTENSIONS.map((ext) => [ext.slice(1), suffixes.has(ext)]));
}
