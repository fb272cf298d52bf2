import type { AlbumSummary, AlbumView } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

/** The library's albums: plain ones (picked by hand) and smart ones (a saved query). */
export class AlbumsStore {
  list = $state<AlbumSummary[]>([]);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  async refresh(): Promise<void> {
    const albums = await this.notices.attempt(() => this.bridge.api.albums());
    if (albums) this.list = albums;
  }

  /** Puts items in an album, making it first when it is new. */
  async add(name: string, ids: number[]): Promise<boolean> {
    const exists = this.list.some((album) => album.name.toLowerCase() === name.trim().toLowerCase());
    const albums = await this.notices.attempt(() => (exists ? this.bridge.api.addToAlbum({ name, ids }) : this.bridge.api.createAlbum({ name, ids })));
    if (!albums) return false;
    this.list = albums;
    this.notices.notify('info', `${ids.length.toLocaleString()} ${ids.length === 1 ? 'item' : 'items'} in “${name.trim()}”.`);
    return true;
  }

  /** Saves a search (a query) or a weighted view (look-alikes, substitutes) as a smart album. */
  async saveSmart(name: string, what: { query: string } | { view: AlbumView }): Promise<boolean> {
    const albums = await this.notices.attempt(() => this.bridge.api.createAlbum({ name, ...what }));
    if (!albums) return false;
    this.list = albums;
    const found = 'query' in what ? `what “${what.query}” finds` : 'what this view finds, with these weights';
    this.notices.notify('info', `Smart album “${name.trim()}” saved: it shows ${found}, new photos included.`);
    return true;
  }

  async remove(name: string, ids: number[]): Promise<void> {
    const albums = await this.notices.attempt(() => this.bridge.api.removeFromAlbum({ name, ids }));
    if (albums) this.list = albums;
  }

  /** Deletes an album (its items stay), offering Undo: the same album made again. */
  async delete(album: AlbumSummary): Promise<void> {
    const ids = album.query === null && album.view === null ? (await this.notices.attempt(() => this.bridge.api.search({ query: `album:"${album.name}"`, k: 1000 })))?.results.map((r) => r.id) : [];
    const albums = await this.notices.attempt(() => this.bridge.api.deleteAlbum({ name: album.name }));
    if (!albums) return;
    this.list = albums;
    this.notices.notify('info', `Deleted the album “${album.name}” (its items stay in the library).`, {
      label: 'Undo',
      run: async () => {
        const again = await this.notices.attempt(() =>
          this.bridge.api.createAlbum(
            album.query !== null ? { name: album.name, query: album.query } : album.view !== null ? { name: album.name, view: album.view } : { name: album.name, ids: ids ?? [] },
          ),
        );
        if (again) this.list = again;
      },
    });
  }
}
