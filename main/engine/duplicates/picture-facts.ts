import sharp from 'sharp';

/** Side-by-side facts of a duplicate's file: its format, whether it has EXIF and GPS, how sharp it is. */
export interface FileFacts {
  format: string | null;
  exif: boolean;
  gps: boolean;
  sharpness: number | null;
  problem: string | null;
}

/** Side of the grey copy sharpness is measured on: the same for every member, whatever its size. */
const SIDE = 512;

export async function pictureFacts(file: string): Promise<FileFacts> {
  try {
    const metadata = await sharp(file).metadata();
    let gps = false;
    if (metadata.exif) {
      const { default: exifReader } = await import('exif-reader');
      try {
        gps = Object.keys(exifReader(metadata.exif).GPSInfo ?? {}).some((key) => key.startsWith('GPSLatitude'));
      } catch {
        gps = false; // broken EXIF: no position can be read from it
      }
    }
    const { data, info } = await sharp(file).rotate().resize(SIDE, SIDE, { fit: 'inside', withoutEnlargement: true }).greyscale().raw().toBuffer({ resolveWithObject: true });
    return { format: metadata.format?.toUpperCase() ?? null, exif: metadata.exif !== undefined, gps, sharpness: laplacianVariance(data, info.width, info.height), problem: null };
  } catch (error) {
    return { format: null, exif: false, gps: false, sharpness: null, problem: `could not read it: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The variance of the 4-neighbour Laplacian: the usual focus measure (blur lowers it, fine detail raises it). */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number | null {
  if (width < 3 || height < 3) return null;
  let [sum, squares, n] = [0, 0, 0];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value = (grey[i - 1] as number) + (grey[i + 1] as number) + (grey[i - width] as number) + (grey[i + width] as number) - 4 * (grey[i] as number);
      sum += value;
      squares += value * value;
      n++;
    }
  }
  const mean = sum / n;
  return Math.round((squares / n - mean * mean) * 10) / 10;
}
