import type { MapCluster } from '../../../../preload/contract.js';

/** A cluster's name where it is drawn: its box on screen (left, top, right, bottom). */
export interface PlacedName {
  cluster: MapCluster;
  name: string;
  box: [number, number, number, number];
}

/** A finer group is named once it spans this many pixels across on screen. */
const LEAF_SPAN = 90;
/** Room kept around each name, so two never touch. */
const GAP = 6;

/**
 * The names to draw at this zoom: regions first, largest first, then the finer groups large
 * enough on screen to tell apart; each skipped where it would cover a name already placed, or
 * fall outside the window. So zoomed out the largest regions are named; zooming in makes room
 * for the smaller ones and then for the groups inside them.
 */
export function placeNames(
  clusters: readonly MapCluster[],
  toScreen: (x: number, y: number) => [number, number],
  scale: number,
  size: { width: number; height: number },
  measure: (name: string, level: MapCluster['level']) => { width: number; height: number },
): PlacedName[] {
  const named = clusters.filter((cluster) => cluster.name);
  const order = [
    ...named.filter((c) => c.level === 'region').sort((a, b) => b.size - a.size),
    ...named.filter((c) => c.level === 'leaf' && c.radius * 2 * scale >= LEAF_SPAN).sort((a, b) => b.size - a.size),
  ];
  const placed: PlacedName[] = [];
  for (const cluster of order) {
    const [sx, sy] = toScreen(cluster.x, cluster.y);
    const { width, height } = measure(cluster.name as string, cluster.level);
    const box: PlacedName['box'] = [sx - width / 2, sy - height / 2, sx + width / 2, sy + height / 2];
    if (box[0] < 0 || box[1] < 0 || box[2] > size.width || box[3] > size.height) continue;
    const overlaps = placed.some(({ box: b }) => box[0] < b[2] + GAP && box[2] + GAP > b[0] && box[1] < b[3] + GAP && box[3] + GAP > b[1]);
    if (!overlaps) placed.push({ cluster, name: cluster.name as string, box });
  }
  return placed;
}

/** The name under a point on screen, if any (the last placed wins: none overlap). */
export function nameAt(placed: readonly PlacedName[], x: number, y: number): PlacedName | undefined {
  return placed.find(({ box }) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]);
}
