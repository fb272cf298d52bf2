import type { ItemKind } from '../../preload/contract.js';

/** Dot colours by kind: the app's photo blue and product orange. */
const COLOURS: Record<ItemKind, [number, number, number]> = { photo: [24, 100, 171], product: [194, 65, 12] };

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A picture of a map (`map export --png`): each item a small dot, darker where many lie on
 * each other, on white; the layout fitted into a square of `size` pixels with a margin, its
 * shape kept; the regions' names over it, largest first, each left out where it would cover
 * one already written. PNG by sharp (the names drawn by librsvg from an SVG).
 */
export async function writeMapPicture(
  file: string,
  points: { x: readonly number[]; y: readonly number[]; kinds: readonly ItemKind[]; names?: readonly { x: number; y: number; name: string; size: number }[] },
  size = 1600,
): Promise<void> {
  const { default: sharp } = await import('sharp');
  const pixels = Buffer.alloc(size * size * 3, 255);
  const n = points.x.length;
  const labels: string[] = [];
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
    const taken: [number, number, number, number][] = [];
    for (const label of [...(points.names ?? [])].sort((a, b) => b.size - a.size)) {
      const cx = offsetX + (label.x - minX) * scale;
      const cy = size - (offsetY + (label.y - minY) * scale);
      // About 0.6 em a letter in a sans-serif face, at 22 px.
      const [w, h] = [label.name.length * 13 + 12, 30];
      const box: [number, number, number, number] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
      if (taken.some(([l, t, r, b]) => box[0] < r && box[2] > l && box[1] < b && box[3] > t)) continue;
      taken.push(box);
      labels.push(
        `<text x="${cx.toFixed(1)}" y="${(cy + 8).toFixed(1)}" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-size="22" font-weight="600" fill="#1d2433" stroke="#ffffff" stroke-width="5" paint-order="stroke">${escapeXml(label.name)}</text>`,
      );
    }
  }
  const picture = sharp(pixels, { raw: { width: size, height: size, channels: 3 } });
  if (labels.length > 0) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${labels.join('')}</svg>`;
    picture.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  }
  await picture.png().toFile(file);
}
