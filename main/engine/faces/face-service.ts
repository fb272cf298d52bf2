import type { FaceSummary, FinderApi, FindFacesSummary, ItemFacesResponse, PersonSummary } from '../../../preload/contract.js';
import { notFound } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { FaceRow } from '../store/faces.js';
import type { LibraryStore } from '../store/library-store.js';
import { FaceFinder } from './face-finder.js';
import { MIN_AGREEMENT } from './face-rules.js';
import { groupFaces } from './people-grouping.js';

export interface FaceDeps {
  store: LibraryStore;
  jobs: JobScheduler;
  events: EngineEvents;
  /** A library photo's file (or a product's picture), under the access policy, or undefined. */
  fileOf(itemId: number): string | undefined;
}

/** A face this many pixels across (shorter side, in the original) or more can tell who it is. */
export const GOOD_SIZE = 40;
/** ... if it is turned no further than this (nose off the eyes' middle, in eye distances) ... */
export const GOOD_YAW = 0.5;
/** ... and is in focus (Laplacian variance of its 64×64 grey copy; a blurred face scores tens). */
export const GOOD_SHARPNESS = 60;

export function isGoodFace(face: Pick<FaceRow, 'size' | 'yaw' | 'sharpness'>): boolean {
  return face.size >= GOOD_SIZE && Math.abs(face.yaw) <= GOOD_YAW && face.sharpness >= GOOD_SHARPNESS;
}

/**
 * Faces in pictures: found as a job (one worker, face-api's networks), kept with their box,
 * scores, quality and descriptor. A face only the first detector sees is not kept: the second
 * detector is what tells a person from a cat's face or a pattern.
 */
export class FaceService {
  private readonly finder = new FaceFinder();

  constructor(private readonly deps: FaceDeps) {}

  readonly api = {
    findFaces: (): Promise<FindFacesSummary> => this.findAll(),
    itemFaces: async (request: { id: number }): Promise<ItemFacesResponse> => {
      if (!this.deps.store.getItems([request.id]).has(request.id)) throw notFound(`No item with id ${request.id}.`);
      const found = this.deps.store.itemFaces(request.id);
      const faces = found?.faces ?? [];
      const whose = this.deps.store.facePeople(faces.map((face) => face.id));
      return {
        id: request.id,
        scanned: found !== undefined,
        faces: faces.map((face) => ({ ...summary(face), personId: whose.get(face.id)?.personId ?? null, personName: whose.get(face.id)?.name ?? null })),
        problem: found?.problem ?? null,
      };
    },
    forgetFaces: async (): Promise<{ forgotten: number }> => {
      const forgotten = this.deps.store.dropFaces();
      this.deps.events.emit({ type: 'library-changed' });
      return { forgotten };
    },
    people: async (request: { hidden?: boolean }): Promise<PersonSummary[]> => this.people(request.hidden === true),
    namePerson: async (request: { id: number; name: string | null }) => this.changed(() => this.deps.store.namePerson(request.id, request.name)),
    mergePeople: async (request: { from: number; into: number }) => this.changed(() => this.deps.store.mergePeople(request.from, request.into)),
    rejectFace: async (request: { face: number }) =>
      this.changed(() => {
        this.deps.store.rejectFace(request.face);
        // Grouped again at once: it joins someone else it is near, or is someone new.
        this.group();
      }),
    assignFace: async (request: { face: number; person: number }) => this.changed(() => this.deps.store.assignFace(request.face, request.person)),
    hidePerson: async (request: { id: number; hidden: boolean }) => this.changed(() => this.deps.store.hidePerson(request.id, request.hidden)),
  } satisfies Pick<FinderApi, 'findFaces' | 'itemFaces' | 'forgetFaces' | 'people' | 'namePerson' | 'mergePeople' | 'rejectFace' | 'assignFace' | 'hidePerson'>;

  /** Groups the good faces nobody has yet into people (see people-grouping.ts); how many were placed. */
  group(): number {
    const { store } = this.deps;
    const faces = store.groupingFaces({ size: GOOD_SIZE, yaw: GOOD_YAW, sharpness: GOOD_SHARPNESS });
    if (!faces.some((face) => face.personId === null)) return 0;
    return store.saveGrouping(groupFaces(faces, store.faceRejections()));
  }

  private people(includeHidden: boolean): PersonSummary[] {
    return this.deps.store.people(includeHidden).map((person) => {
      const cover = person.coverItem === null ? undefined : this.deps.store.itemFaces(person.coverItem)?.faces.find((face) => face.id === person.coverFace);
      const size = person.coverItem === null ? undefined : this.deps.store.itemSize(person.coverItem);
      return { ...person, coverBox: cover?.box ?? null, coverSize: size ?? null };
    });
  }

  private changed(change: () => void): PersonSummary[] {
    change();
    this.deps.events.emit({ type: 'library-changed' });
    return this.people(true);
  }

  private async findAll(): Promise<FindFacesSummary> {
    const { store } = this.deps;
    return await this.deps.jobs.run({
      kind: 'faces',
      title: 'Finding the faces in pictures',
      unit: 'pictures',
      run: async (job) => {
        const started = performance.now();
        const pending = store.unscannedPictures();
        const summary: FindFacesSummary = { state: 'done', scanned: 0, withFaces: 0, faces: 0, notFaces: 0, failed: [], grouped: 0, seconds: 0 };
        for (const [done, picture] of pending.entries()) {
          if (job.signal.aborted) {
            summary.state = 'cancelled';
            break;
          }
          const file = this.deps.fileOf(picture.id);
          job.report(done, pending.length, file ?? null);
          if (!file) continue; // its folder is offline or gone: looked at when it is back
          try {
            const found = await this.finder.find(file);
            const faces = found.filter((face) => face.agreement >= MIN_AGREEMENT);
            store.setFaces(picture.contentHash, faces);
            summary.scanned++;
            summary.faces += faces.length;
            summary.notFaces += found.length - faces.length;
            if (faces.length > 0) summary.withFaces++;
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            // Recorded, so the job does not try it again each time; a changed file is a new content.
            store.setFaces(picture.contentHash, [], reason);
            summary.failed.push({ path: file, reason });
          }
        }
        job.report(pending.length, pending.length, 'grouping the faces into people');
        // The faces found so far are grouped, cancelled or not: what was found is not wasted.
        summary.grouped = this.group();
        summary.seconds = (performance.now() - started) / 1000;
        if (summary.scanned > 0) this.deps.events.emit({ type: 'library-changed' });
        return summary;
      },
    }).result;
  }

  close(): Promise<void> {
    return this.finder.close();
  }
}

function summary(face: FaceRow): Omit<FaceSummary, 'personId' | 'personName'> {
  return { id: face.id, box: face.box, score: face.score, size: face.size, sharpness: face.sharpness, yaw: face.yaw, good: isGoodFace(face) };
}
