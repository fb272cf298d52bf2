import type { ItemKind } from '../../preload/contract.js';

/** Dot colours by kind: the app's photo blue and product orange. */
const COLOURS: Record<ItemKind, [number, number, number]> = { photo: [24, 100, 171], product: [194, 65, 12] };

/**
 * A picture of a map (`map export --png`): each item a small dot, darker where many lie on
 * each other, on white; the layout fitted into a square of `size` pixels with a margin, its
 * shape kept. PNG by sharp.
 */
export async function writeMapPicture(file: string, points: { x: readonly number[]; y: readonly number[]; kinds: readonly ItemKind[] }, size = 1600): Promise<void> {
  const { default: sharp } = await import('sharp');
  const pixels = Buffer.alloc(size * size * 3, 255);
  const n = points.x.length;
  if (n > 0) {
    const [minX, maxX, minY, maxY] = [Math.min(...points.x), Math.max(...points.x), Math.min(...points.y), Math.max(...points.y)];
    const margin = size * 0.04;
    const scale = (size - 2 * margin) / Math.max(maxX - minX, maxY - minY, 1e-9);
    const [offsetX, offsetY] = [margin + (size - 2 * margin - (maxX - minX) * scale) / 2, margin + (size - 2 * margin - (maxY - minY) * scale) / 2];
    // Small dots for a crowd, larger for a few, so both read.
    const radius = n > 20_000 ? 1 : n > 2_000 ? 2 : 6;
    const alpha = n > 20_000 ? 0.35 : 0.6;
    for (let i = 0; i < n; i++) {
      const cx = Math.round(offsetX + ((points.x[i] as number) - minX) * scale);
      // y grows upwards on a map, downwards in a picture.
      const cy = Math.round(size - (offsetY + ((points.y[i] as number) - minY) * scale));
      const colour = COLOURS[points.kinds[i] ?? 'photo'];
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          if (dx * dx + dy * dy > radius * radius) continue;
          const [px, py] = [cx + dx, cy + dy];
          if (px < 0 || py < 0 || px >= size || py >= size) continue;
          const at = (py * size + px) * 3;
          for (let c = 0; c < 3; c++) pixels[at + c] = Math.round((pixels[at + c] as number) * (1 - alpha) + colour[c as 0 | 1 | 2] * alpha);
        }
      }
    }
  }
  await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
}
