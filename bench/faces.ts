import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FaceFinder } from '../main/engine/faces/face-finder.js';
import { MIN_AGREEMENT } from '../main/engine/faces/face-rules.js';
import sharp, { type Region } from 'sharp';
import { compareFaceRuntimes, type RuntimeComparison } from './face-runtimes.js';
import { indexingPerPhoto } from './text.js';

export interface FacesBenchResult {
  /** Photos with people (face-api's demo group photos, 1920 px wide, and the astronaut). */
  peoplePhotos: number;
  faces: number;
  msPerPeoplePhoto: number;
  facesPerSecond: number;
  /** ImageNet photos (about 500×375, a few with people). */
  otherPhotos: number;
  otherFaces: number;
  msPerOtherPhoto: number;
  /** Taken for faces by the first detector only, not kept. */
  notFaces: number;
  /** Loading the networks, once. */
  loadMs: number;
  /** The process's resident memory grown by the worker and its networks, after every photo. */
  memoryMb: number;
  /** One photo's indexing with the default models' architectures on one thread (decode, CLIP ViT-B/32, ResNet-18). */
  indexSecondsPerPhoto: number;
  /** The three nets run on onnxruntime, against TensorFlow.js's WebAssembly backend on the same inputs. */
  runtimes: RuntimeComparison[];
  /** The landmarks net, on TensorFlow.js's WebAssembly backend: median ms a face. */
  landmarksMs: number;
}

/**
 * Finding faces (face-api on TensorFlow.js's WebAssembly backend, one worker), photo after
 * photo as the job does: group photos of people, then ordinary photos, against indexing a
 * photo with the default models' architectures.
 */
export async function benchFaces(imagenet: string, others: number): Promise<FacesBenchResult> {
  const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  const people = [...fs.readdirSync(demo).filter((f) => f.endsWith('.jpg')).map((f) => path.join(demo, f)), path.resolve(imagenet, '..', 'debian', 'astronaut.png')].filter((f) => fs.existsSync(f));
  const names = fs.existsSync(imagenet) ? fs.readdirSync(imagenet).filter((f) => f.endsWith('.JPEG')).sort() : [];
  const step = Math.max(1, Math.floor(names.length / Math.max(1, others)));
  const ordinary = names.filter((_, i) => i % step === 0).slice(0, others).map((f) => path.join(imagenet, f));
  const finder = new FaceFinder();
  try {
    const rssBefore = process.memoryUsage().rss;
    const loadStarted = performance.now();
    await finder.find(people[0] as string);
    const loadMs = performance.now() - loadStarted;
    let [faces, notFaces] = [0, 0];
    const crops: { file: string; box: Region }[] = [];
    const started = performance.now();
    for (const file of people) {
      const found = await finder.find(file);
      faces += found.filter((f) => f.agreement >= MIN_AGREEMENT).length;
      const { width = 0, height = 0 } = await sharp(file).metadata();
      for (const f of found.filter((face) => face.agreement >= MIN_AGREEMENT)) {
        crops.push({ file, box: { left: Math.round(f.box.x * width), top: Math.round(f.box.y * height), width: Math.round(f.box.width * width), height: Math.round(f.box.height * height) } });
      }
      notFaces += found.filter((f) => f.agreement < MIN_AGREEMENT).length;
    }
    const peopleSeconds = (performance.now() - started) / 1000;
    let otherFaces = 0;
    const othersStarted = performance.now();
    for (const file of ordinary) {
      const found = await finder.find(file);
      otherFaces += found.filter((f) => f.agreement >= MIN_AGREEMENT).length;
      notFaces += found.filter((f) => f.agreement < MIN_AGREEMENT).length;
    }
    const otherSeconds = (performance.now() - othersStarted) / 1000;
    const memoryMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    return {
      peoplePhotos: people.length,
      faces,
      msPerPeoplePhoto: (peopleSeconds * 1000) / people.length,
      facesPerSecond: faces / peopleSeconds,
      otherPhotos: ordinary.length,
      otherFaces,
      msPerOtherPhoto: (otherSeconds * 1000) / Math.max(1, ordinary.length),
      notFaces,
      loadMs: loadMs - (peopleSeconds * 1000) / people.length,
      memoryMb,
      indexSecondsPerPhoto: await indexingPerPhoto(ordinary.slice(0, 16)),
      ...(({ compared, landmarksMs }) => ({ runtimes: compared, landmarksMs }))(await compareFaceRuntimes(crops, ordinary.slice(0, 20))),
    };
  } finally {
    await finder.close();
  }
}
