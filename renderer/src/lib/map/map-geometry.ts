/**
 * Finding points on the map: a uniform grid over the layout, so hover and click look at the
 * few points near the pointer instead of 100,000; and the lasso's point-in-polygon test.
 */
export class PointGrid {
  private readonly cells = new Map<number, number[]>();
  private readonly size: number;
  private readonly minX: number;
  private readonly minY: number;

  constructor(
    private readonly x: Float32Array,
    private readonly y: Float32Array,
  ) {
    const n = x.length;
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, x[i] as number);
      maxX = Math.max(maxX, x[i] as number);
      minY = Math.min(minY, y[i] as number);
      maxY = Math.max(maxY, y[i] as number);
    }
    this.minX = Number.isFinite(minX) ? minX : 0;
    this.minY = Number.isFinite(minY) ? minY : 0;
    // About four points a cell on average.
    this.size = Math.max(1e-9, Math.sqrt(((maxX - minX || 1) * (maxY - minY || 1) * 4) / Math.max(1, n)));
    for (let i = 0; i < n; i++) {
      const key = this.key(this.cell(x[i] as number, this.minX), this.cell(y[i] as number, this.minY));
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
    }
  }

  private cell(value: number, min: number): number {
    return Math.floor((value - min) / this.size);
  }

  private key(cx: number, cy: number): number {
    return cx * 1_000_003 + cy;
  }

  /** The point nearest (px, py) within `radius` (map units), or -1. */
  nearest(px: number, py: number, radius: number): number {
    let best = -1;
    let bestDistance = radius * radius;
    const reach = Math.ceil(radius / this.size);
    const [cx, cy] = [this.cell(px, this.minX), this.cell(py, this.minY)];
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        for (const i of this.cells.get(this.key(cx + dx, cy + dy)) ?? []) {
          const d = ((this.x[i] as number) - px) ** 2 + ((this.y[i] as number) - py) ** 2;
          if (d <= bestDistance) {
            best = i;
            bestDistance = d;
          }
        }
      }
    }
    return best;
  }
}

/** Whether (px, py) is inside the polygon (even-odd rule). */
export function insidePolygon(px: number, py: number, polygon: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as readonly [number, number];
    const [xj, yj] = polygon[j] as readonly [number, number];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The points inside a lasso (map coordinates), by index. */
export function lassoed(x: Float32Array, y: Float32Array, polygon: readonly (readonly [number, number])[]): number[] {
  if (polygon.length < 3) return [];
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [px, py] of polygon) {
    minX = Math.min(minX, px);
    maxX = Math.max(maxX, px);
    minY = Math.min(minY, py);
    maxY = Math.max(maxY, py);
  }
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const [px, py] = [x[i] as number, y[i] as number];
    if (px < minX || px > maxX || py < minY || py > maxY) continue;
    if (insidePolygon(px, py, polygon)) out.push(i);
  }
  return out;
}
