import type { ApiError, Space } from '../../../preload/contract.js';
import type { DownloadProgress } from '../models/load-models.js';
import type { ImageSpace, TextSpace } from './embedders.js';

/** Messages between the embedding pool and its worker threads. */
export type WorkerRequest =
  | { kind: 'images'; id: number; inputs: (string | Uint8Array)[]; spaces: ImageSpace[]; thumbnails?: (string | null)[] }
  | { kind: 'texts'; id: number; texts: string[]; space: TextSpace }
  | { kind: 'prepare'; id: number; space: Space }
  | { kind: 'tokens'; id: number; texts: string[] }
  | { kind: 'close'; id: number };

export type WorkerReply =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: ApiError }
  | { kind: 'progress'; progress: DownloadProgress };
