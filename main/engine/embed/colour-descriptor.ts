import { createRequire } from 'node:module';
import type * as Culori from 'culori';

// culori's single-file CommonJS build loads in ~9 ms; its ESM entry is ~70 files and ~65 ms,
// most of a one-shot `semblance search colour:red`.
const { converter } = createRequire(import.meta.url)('culori/require') as typeof Culori;
import { badInput } from '../errors.js';
import { colourName } from './colour-names.js';
import type { DecodedImage } from './decode-image.js';

/**
 * The colour space: a soft histogram of an image's colours in CIELAB (D65), a perceptual
 * space where equal distances look like equal differences.
 *
 * Bins: lightness 5 × a 7 × b 7 = 245. Each pixel spreads over its neighbouring bin centres
 * (trilinear), so a colour on a bin edge does not jump between bins. The descriptor is the
 * square root of the normalised histogram (Hellinger): its cosine between two images is the
 * Bhattacharyya coefficient of their colour distributions, and the root keeps a large
 * uniform background from drowning the colours of the subject (80% white and 20% red weigh
 * 0.89 and 0.45, not 0.8 and 0.2).
 */
export const COLOUR_MODEL_ID = 'semblance/colour-lab-hellinger-245';
const L_BINS = { count: 5, first: 10, step: 20 }; // centres 10..90
const AB_BINS = { count: 7, first: -60, step: 20 }; // centres -60..60
export const COLOUR_DIMS = L_BINS.count * AB_BINS.count * AB_BINS.count;

/** Pixels sampled per image: the histogram of a 48×48 thumbnail is a faithful summary. */
const SAMPLE_SIDE = 48;

const toLab = converter('lab65');

export async function colourDescriptor(image: DecodedImage): Promise<Float32Array> {
  // Loaded on first use: a colour:name query in a one-shot CLI needs no image library.
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(SAMPLE_SIDE, SAMPLE_SIDE, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const histogram = new Float64Array(COLOUR_DIMS);
  const table = labTable();
  const pixels = info.width * info.height;
  const lab: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < pixels; i++) {
    const key = (((data[i * 3] as number) >> 2) << 12) | (((data[i * 3 + 1] as number) >> 2) << 6) | ((data[i * 3 + 2] as number) >> 2);
    lab[0] = table[key * 3] as number;
    lab[1] = table[key * 3 + 1] as number;
    lab[2] = table[key * 3 + 2] as number;
    addSoft(histogram, lab, 1);
  }
  return hellinger(histogram);
}

let lab6: Float32Array | undefined;

/**
 * CIELAB of every colour at 6 bits per channel (culori converts each once, ~250k colours, on
 * first use). The steps are ≤ 2 Lab units, a tenth of a histogram bin, and per-pixel
 * conversion was the colour descriptor's main cost.
 */
function labTable(): Float32Array {
  if (lab6) return lab6;
  const table = new Float32Array(64 * 64 * 64 * 3);
  for (let r = 0; r < 64; r++) {
    for (let g = 0; g < 64; g++) {
      for (let b = 0; b < 64; b++) {
        // The centre of each 4-value step of the 8-bit channel.
        const c = toLab({ mode: 'rgb', r: (r * 4 + 1.5) / 255, g: (g * 4 + 1.5) / 255, b: (b * 4 + 1.5) / 255 });
        const at = ((r << 12) | (g << 6) | b) * 3;
        table[at] = c.l;
        table[at + 1] = c.a;
        table[at + 2] = c.b;
      }
    }
  }
  lab6 = table;
  return table;
}

/**
 * The descriptor of one flat colour: a name people use ("navy blue", "cream", "tomato") or a
 * hex code. A word for no single colour ("multi") or an unknown one is refused, with why.
 */
export function swatchDescriptor(colour: string): Float32Array {
  const named = colourName(colour);
  if (named.kind === 'none') throw badInput(`${named.why}: no swatch; the picture's colours are used.`);
  if (named.kind === 'unknown') {
    throw badInput(`Unknown colour "${colour}": use a colour name (navy, navy blue, cream, tomato) or a hex code such as #1e90ff.`);
  }
  const c = toLab(named.colour);
  const histogram = new Float64Array(COLOUR_DIMS);
  addSoft(histogram, [c.l, c.a, c.b], 1);
  return hellinger(histogram);
}

function addSoft(histogram: Float64Array, [l, a, b]: [number, number, number], weight: number): void {
  const [l0, lf] = position(l, L_BINS);
  const [a0, af] = position(a, AB_BINS);
  const [b0, bf] = position(b, AB_BINS);
  for (let dl = 0; dl < 2; dl++) {
    const wl = dl === 0 ? 1 - lf : lf;
    if (wl === 0) continue;
    for (let da = 0; da < 2; da++) {
      const wa = da === 0 ? 1 - af : af;
      if (wa === 0) continue;
      for (let db = 0; db < 2; db++) {
        const wb = db === 0 ? 1 - bf : bf;
        if (wb === 0) continue;
        const index = ((l0 + dl) * AB_BINS.count + (a0 + da)) * AB_BINS.count + (b0 + db);
        histogram[index] = (histogram[index] as number) + weight * wl * wa * wb;
      }
    }
  }
}

/** The lower bin and the share of the next one, clamped to the outermost centres. */
function position(value: number, bins: { count: number; first: number; step: number }): [number, number] {
  const p = Math.min(bins.count - 1, Math.max(0, (value - bins.first) / bins.step));
  const lower = Math.min(bins.count - 2, Math.floor(p));
  return [lower, p - lower];
}

function hellinger(histogram: Float64Array): Float32Array {
  const total = histogram.reduce((s, x) => s + x, 0);
  return Float32Array.from(histogram, (x) => Math.sqrt(x / total));
}

/**
 * The mean colour (CIELAB) of the picture a descriptor was made from. The histogram is
 * trilinear, so its mass-weighted bin centres give the mean back (exactly, but for colours
 * beyond the outermost centres): a re-save keeps it, an exposure or colour edit moves it.
 */
export function meanLab(descriptor: Float32Array): [number, number, number] {
  let [l, a, b, total] = [0, 0, 0, 0];
  for (let i = 0; i < descriptor.length; i++) {
    const mass = (descriptor[i] as number) ** 2;
    if (mass === 0) continue;
    const li = Math.floor(i / (AB_BINS.count * AB_BINS.count));
    const ai = Math.floor(i / AB_BINS.count) % AB_BINS.count;
    const bi = i % AB_BINS.count;
    l += mass * (L_BINS.first + li * L_BINS.step);
    a += mass * (AB_BINS.first + ai * AB_BINS.step);
    b += mass * (AB_BINS.first + bi * AB_BINS.step);
    total += mass;
  }
  return total === 0 ? [0, 0, 0] : [l / total, a / total, b / total];
}
