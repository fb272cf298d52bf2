import type { AlbumSummary, AlbumView, FinderApi } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { EngineEvents } from '../events.js';
import { parseQuery } from '../search/query-language.js';
import type { AlbumStore, Awaitable } from '../store/library-store.js';

/** Albums: items picked by hand, or a saved query (a smart album) that stays up to date. */
export class AlbumService {
  constructor(
    private readonly store: AlbumStore,
    private readonly events: EngineEvents,
  ) {}

  readonly api = {
    albums: async (): Promise<AlbumSummary[]> => this.store.albums(),
    createAlbum: async (request: { name: string; query?: string | undefined; view?: AlbumView | undefined; ids?: number[] | undefined }): Promise<AlbumSummary[]> => {
      const kinds = [request.query, request.view, request.ids].filter((given) => given !== undefined).length;
      if (kinds > 1) throw badInput('An album is smart (a query, or a view) or picked by hand (ids): one of them.');
      // A smart album's query must read now, not fail each time it is opened.
      if (request.query !== undefined) parseQuery(request.query);
      await this.store.createAlbum(request.name, request.query ?? null, request.view ?? null);
      if (request.ids && request.ids.length > 0) await this.store.addToAlbum(request.name, request.ids);
      return this.changed();
    },
    addToAlbum: async (request: { name: string; ids: number[] }) => {
      await this.store.addToAlbum(request.name, request.ids);
      return this.changed();
    },
    removeFromAlbum: async (request: { name: string; ids: number[] }) => {
      await this.store.removeFromAlbum(request.name, request.ids);
      return this.changed();
    },
    renameAlbum: async (request: { name: string; to: string }) => {
      await this.store.renameAlbum(request.name, request.to);
      return this.changed();
    },
    deleteAlbum: async (request: { name: string }) => {
      await this.store.deleteAlbum(request.name);
      return this.changed();
    },
  } satisfies Pick<FinderApi, 'albums' | 'createAlbum' | 'addToAlbum' | 'removeFromAlbum' | 'renameAlbum' | 'deleteAlbum'>;

  private changed(): Awaitable<AlbumSummary[]> {
    this.events.emit({ type: 'library-changed' });
    return this.store.albums();
  }
}
