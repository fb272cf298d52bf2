import type { DuplicatesRequest, DuplicatesResponse, FinderApi } from '../../../preload/contract.js';
import type { LibraryStore } from '../store/library-store.js';
import { findDuplicates } from './duplicate-finder.js';

/** Duplicate groups of the library, by tier, from what indexing kept (hashes, colour vectors). */
export class DuplicateService {
  constructor(private readonly store: LibraryStore) {}

  readonly api = {
    duplicates: async (request: DuplicatesRequest): Promise<DuplicatesResponse> => {
      const pictures = this.store.pictureFacts();
      const groups = findDuplicates(pictures, { ...(request.tiers ? { tiers: request.tiers } : {}), colour: (ids) => this.store.readVectors('colour', ids) });
      const byId = new Map(pictures.map((p) => [p.id, p]));
      return {
        groups: groups.map((group) => ({
          ...group,
          items: group.items.flatMap((id) => {
            const p = byId.get(id);
            return p ? [{ id, path: p.path, width: p.width, height: p.height, sizeBytes: p.sizeBytes, takenAt: p.takenAt }] : [];
          }),
        })),
        unhashed: new Set(pictures.filter((p) => p.hashes === null).map((p) => p.contentHash)).size,
      };
    },
  } satisfies Pick<FinderApi, 'duplicates'>;
}
