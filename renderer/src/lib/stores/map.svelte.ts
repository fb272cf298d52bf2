import type { MapPointsResponse, MapRequest, Space, Weights } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { ColourBy } from '../map/map-colours.js';
import type { NoticesStore } from './notices.svelte.js';

/** A weighted mix laid out as one map: a preset's weights, or the sliders'. */
export interface MapMix {
  name: string;
  weights: Weights;
}

/**
 * The map view: a space's (or mix's) layout, computed as a job when asked, its points with
 * their items and clusters, how they are coloured, and what the lasso chose.
 */
export class MapStore {
  open = $state(false);
  space = $state<Space>('clip');
  /** A mix shown instead of one space. */
  mix = $state<MapMix | null>(null);
  colourBy = $state<ColourBy>('kind');
  map = $state<MapPointsResponse | null>(null);
  loading = $state(false);
  laying = $state(false);
  /** Item ids the lasso chose. */
  chosen = $state<number[]>([]);
  /** The words clusters are named with, once asked for (the Names panel). */
  vocabulary = $state<{ words: string[]; builtIn: boolean } | null>(null);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  /** What is laid out, as the API takes it. */
  get request(): MapRequest {
    return this.mix ? { weights: this.mix.weights } : { space: this.space };
  }

  async show(space?: Space): Promise<void> {
    if (space) [this.space, this.mix] = [space, null];
    this.open = true;
    await this.load();
  }

  close(): void {
    this.open = false;
    this.chosen = [];
  }

  async pick(space: Space): Promise<void> {
    [this.space, this.mix] = [space, null];
    this.chosen = [];
    await this.load();
  }

  async pickMix(mix: MapMix): Promise<void> {
    this.mix = mix;
    this.chosen = [];
    await this.load();
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const map = await this.notices.attempt(() => this.bridge.api.mapPoints({ ...this.request, details: true }));
      if (map) this.map = map;
    } finally {
      this.loading = false;
    }
  }

  /** Lays the map out (again): a job, shown with the others; the points when it ends. */
  async layOut(): Promise<void> {
    this.laying = true;
    try {
      const summary = await this.notices.attempt(() => this.bridge.api.mapLayout(this.request));
      if (summary?.state === 'done') {
        this.chosen = [];
        await this.load();
      }
    } finally {
      this.laying = false;
    }
  }

  /** Gives the chosen items a tag ("name this cluster"); Undo takes it off the ones that got it. */
  async tag(tag: string): Promise<boolean> {
    const ids = [...this.chosen];
    const done = await this.notices.attempt(() => this.bridge.api.tagItems({ tag, ids }));
    if (!done) return false;
    const count = `${done.tagged.toLocaleString()} ${done.tagged === 1 ? 'item' : 'items'}`;
    this.notices.notify('info', `Tagged ${count} “${tag}” (label:${tag.includes(' ') ? `"${tag}"` : tag} finds them).`, {
      label: 'Undo',
      run: async () => {
        // Only from the items this gave it: those that had the tag before keep it.
        if (done.added.length > 0 && (await this.notices.attempt(() => this.bridge.api.untagItems({ tag, ids: done.added })))) await this.load();
      },
    });
    await this.load();
    return true;
  }

  async loadVocabulary(): Promise<void> {
    const settings = await this.notices.attempt(() => this.bridge.api.settings());
    if (settings) this.vocabulary = { words: settings.mapVocabulary, builtIn: settings.mapVocabularyBuiltIn };
  }

  /** New words to name clusters with ([]: the built-in ones); the map is named again with them. */
  async saveVocabulary(words: string[]): Promise<boolean> {
    const settings = await this.notices.attempt(() => this.bridge.api.saveSettings({ mapVocabulary: words }));
    if (!settings) return false;
    this.vocabulary = { words: settings.mapVocabulary, builtIn: settings.mapVocabularyBuiltIn };
    await this.load();
    return true;
  }
}
