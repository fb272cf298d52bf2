import { DUPLICATE_TIERS, type DuplicateTier, type MapPointsResponse } from '../../../../preload/contract.js';

export type ColourBy = 'kind' | 'folder' | 'cluster' | 'tag' | 'category' | 'duplicates' | 'date' | 'search';

/** What some colourings need besides the map: the search on screen, each item's strictest duplicate tier. */
export interface ColourContext {
  search: { scores: Map<number, number>; relevant: Set<number> } | null;
  tiers: Map<number, DuplicateTier> | null;
  tierNames: Record<DuplicateTier, string>;
}

/** Tableau 10: categories told apart by most eyes, on light and dark backgrounds alike. */
const PALETTE: [number, number, number][] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
];
const OTHER: [number, number, number] = [150, 150, 150];

export interface LegendEntry {
  label: string;
  colour: string;
}

export interface Colouring {
  colours: Uint8Array;
  legend: LegendEntry[];
}

const css = ([r, g, b]: [number, number, number]): string => `rgb(${r} ${g} ${b})`;

/** A photo's folder (its parent's name), a product's catalog (the key's prefix). */
function groupOf(item: NonNullable<MapPointsResponse['items']>[number]): string {
  if (item.kind === 'product') return `catalog ${item.key?.split(':')[0] ?? ''}`;
  const parts = (item.path ?? '').split(/[\\/]/);
  return parts[parts.length - 2] ?? '';
}

/**
 * Each point's colour (r, g, b, a bytes) and the legend: by kind, folder, cluster, tag or
 * category (the nine largest groups, the rest grey), by duplicate tier (one colour a tier, the
 * rest faint), by date (oldest blue to newest orange), or by a search's score (its relevant
 * results strong, those below the cut-off lighter, the rest faint).
 */
export function colourPoints(map: MapPointsResponse, by: ColourBy, context: ColourContext): Colouring {
  const { search, tiers } = context;
  const n = map.ids.length;
  const colours = new Uint8Array(n * 4);
  const items = map.items ?? [];
  const set = (i: number, [r, g, b]: [number, number, number], alpha: number): void => {
    colours.set([r, g, b, Math.round(alpha * 255)], i * 4);
  };
  if (by === 'search' && search) {
    for (let i = 0; i < n; i++) {
      const id = map.ids[i] as number;
      if (search.relevant.has(id)) set(i, PALETTE[2] as [number, number, number], 1);
      else if (search.scores.has(id)) set(i, PALETTE[1] as [number, number, number], 0.7);
      else set(i, OTHER, 0.18);
    }
    return {
      colours,
      legend: [
        { label: 'relevant results', colour: css(PALETTE[2] as [number, number, number]) },
        { label: 'below the cut-off', colour: css(PALETTE[1] as [number, number, number]) },
        { label: 'not found', colour: css(OTHER) },
      ],
    };
  }
  if (by === 'duplicates') {
    const shown = DUPLICATE_TIERS.filter((tier) => tier !== 'similar');
    const colourOf = new Map<DuplicateTier, [number, number, number]>(shown.map((tier, i) => [tier, PALETTE[[2, 1, 5, 6][i] as number] as [number, number, number]]));
    for (let i = 0; i < n; i++) {
      const tier = tiers?.get(map.ids[i] as number);
      if (tier && colourOf.has(tier)) set(i, colourOf.get(tier) as [number, number, number], 1);
      else set(i, OTHER, 0.18);
    }
    return {
      colours,
      legend: [...shown.map((tier) => ({ label: context.tierNames[tier], colour: css(colourOf.get(tier) as [number, number, number]) })), { label: 'no duplicate', colour: css(OTHER) }],
    };
  }
  if (by === 'date') {
    const times = items.map((item) => item.takenAt).filter((t): t is number => t !== null);
    const [first, last] = [Math.min(...times), Math.max(...times)];
    const [from, to] = [PALETTE[0] as [number, number, number], PALETTE[1] as [number, number, number]];
    for (let i = 0; i < n; i++) {
      const t = items[i]?.takenAt;
      if (t === null || t === undefined || !Number.isFinite(first)) set(i, OTHER, 0.5);
      else {
        const f = last > first ? (t - first) / (last - first) : 0.5;
        set(i, [0, 1, 2].map((c) => Math.round((from[c] as number) * (1 - f) + (to[c] as number) * f)) as [number, number, number], 0.85);
      }
    }
    const year = (t: number): string => new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'short' });
    return {
      colours,
      legend: Number.isFinite(first) ? [{ label: `oldest, ${year(first)}`, colour: css(from) }, { label: `newest, ${year(last)}`, colour: css(to) }] : [],
    };
  }
  const clusterName = (i: number): string => {
    const cluster = map.clusters[map.region[i] ?? -1];
    return cluster ? (cluster.name ?? `cluster ${cluster.id + 1}`) : '';
  };
  const groups = items.map((item, i) =>
    by === 'kind' ? item.kind : by === 'tag' ? (item.tag ?? '') : by === 'category' ? (item.category ?? '') : by === 'cluster' ? clusterName(i) : groupOf(item),
  );
  const counts = new Map<string, number>();
  for (const group of groups) counts.set(group, (counts.get(group) ?? 0) + 1);
  // Points between clusters stay grey: they are no group.
  const largest = [...counts]
    .filter(([group]) => by !== 'cluster' || group !== '')
    .sort((a, b) => b[1] - a[1])
    .slice(0, PALETTE.length - 1)
    .map(([group]) => group);
  const colourOf = new Map(largest.map((group, i) => [group, PALETTE[i] as [number, number, number]]));
  for (let i = 0; i < n; i++) set(i, colourOf.get(groups[i] ?? '') ?? OTHER, 0.85);
  const unnamed = { tag: '(no tag)', category: '(no category)', cluster: '(between clusters)' }[by as string] ?? '(top folder)';
  const legend = largest.map((group) => ({ label: by === 'kind' ? `${group}s` : group || unnamed, colour: css(colourOf.get(group) as [number, number, number]) }));
  if (counts.size > largest.length) legend.push({ label: by === 'cluster' && counts.size === largest.length + 1 && counts.has('') ? unnamed : 'others', colour: css(OTHER) });
  return { colours, legend };
}
