import type { MapPointsResponse, Space } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { ColourBy } from '../map/map-colours.js';
import type { NoticesStore } from './notices.svelte.js';

/**
 * The map view: a space's (or mix's) layout, computed as a job when asked, its points with
 * their items, how they are coloured, and what the lasso chose.
 */
export class MapStore {
  open = $state(false);
  space = $state<Space>('clip');
  colourBy = $state<ColourBy>('kind');
  map = $state<MapPointsResponse | null>(null);
  loading = $state(false);
  laying = $state(false);
  /** Item ids the lasso chose. */
  chosen = $state<number[]>([]);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  async show(space?: Space): Promise<void> {
    if (space) this.space = space;
    this.open = true;
    await this.load();
  }

  close(): void {
    this.open = false;
    this.chosen = [];
  }

  async pick(space: Space): Promise<void> {
    this.space = space;
    this.chosen = [];
    await this.load();
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const map = await this.notices.attempt(() => this.bridge.api.mapPoints({ space: this.space, details: true }));
      if (map) this.map = map;
    } finally {
      this.loading = false;
    }
  }

  /** Lays the map out (again): a job, shown with the others; the points when it ends. */
  async layOut(): Promise<void> {
    this.laying = true;
    try {
      const summary = await this.notices.attempt(() => this.bridge.api.mapLayout({ space: this.space }));
      if (summary?.state === 'done') {
        this.chosen = [];
        await this.load();
      }
    } finally {
      this.laying = false;
    }
  }
}
