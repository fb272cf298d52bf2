import { MAX_K, type AlbumView, type RankedResponse, type SimilarRequest, type SimilarResponse, type SubstitutesRequest } from '../../../preload/contract.js';

/** The three questions a smart album may ask again, as a library answers them. */
export interface AlbumQuestions {
  search(query: string, albumsOpen: readonly string[]): Promise<RankedResponse>;
  similar(request: SimilarRequest): Promise<SimilarResponse>;
  substitutes(request: SubstitutesRequest): Promise<RankedResponse>;
}

/** What a smart album finds now: its query, or its weighted view (look-alikes, substitutes); either library asks it so. */
export async function albumRanking(query: string | null, view: AlbumView | null, albumsOpen: readonly string[], ask: AlbumQuestions): Promise<RankedResponse> {
  if (query !== null) return ask.search(query, albumsOpen);
  if (view && 'similar' in view) {
    const [first] = (await ask.similar({ targets: [view.similar.target], weights: view.similar.weights, k: MAX_K })).queries;
    return first ?? { results: [], cutoff: null, warnings: [] };
  }
  if (view && 'substitutes' in view) {
    const { product, weights, where } = view.substitutes;
    return ask.substitutes({ product, weights, ...(where ? { where } : {}), k: MAX_K });
  }
  return { results: [], cutoff: null, warnings: [] };
}
