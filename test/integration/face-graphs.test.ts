import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { decodeImage } from '../../main/engine/embed/decode-image.js';
import { FaceFinder } from '../../main/engine/faces/face-finder.js';
import { FACE_SHORT_SIDE } from '../../main/engine/faces/face-rules.js';
import { DEBIAN_PHOTOS } from '../helpers/test-models.js';

/**
 * The faces job runs face-api's detectors and recognition net as ONNX graphs rebuilt from its
 * weights (faster): what it finds must be what face-api itself finds, on the same pixels.
 */
const require = createRequire(import.meta.url);
const DEMO = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const photos = [path.join(DEBIAN_PHOTOS, 'astronaut.png'), path.join(DEBIAN_PHOTOS, 'chelsea.png'), path.join(DEMO, 'sample2.jpg'), path.join(DEMO, 'sample6.jpg')];
const missing = photos.every((f) => fs.existsSync(f)) ? undefined : `${DEBIAN_PHOTOS} or face-api's demo photos are absent`;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface FaceApi {
  tf: { setBackend(name: string): Promise<boolean>; ready(): Promise<void>; tensor3d(values: Uint8Array, shape: number[], dtype: 'int32'): { dispose(): void } };
  nets: Record<string, { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (options: { minConfidence: number; maxResults: number }) => unknown;
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(
    input: unknown,
    options: unknown,
  ): PromiseLike<{ box: Box }[]> & { withFaceLandmarks(): { withFaceDescriptors(): PromiseLike<{ detection: { box: Box; score: number }; descriptor: Float32Array }[]> } };
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + (a[i] as number) * (b[i] as number), na + (a[i] as number) ** 2, nb + (b[i] as number) ** 2];
  return dot / Math.sqrt(na * nb);
};

test("faces found through the rebuilt graphs are face-api's own: the same faces, boxes, scores and descriptors (cosine ≥ 0.99), the cat still no face", { skip: missing, timeout: 240_000 }, async (t) => {
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}${path.sep}`);
  await api.tf.setBackend('wasm');
  await api.tf.ready();
  const weights = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  for (const net of ['ssdMobilenetv1', 'tinyFaceDetector', 'faceLandmark68Net', 'faceRecognitionNet']) await api.nets[net]?.loadFromDisk(weights);

  // The job's own worker (its own face-api, whose nets it lets go once rebuilt).
  const finder = new FaceFinder();
  t.after(() => finder.close());
  let compared = 0;
  for (const file of photos) {
    const image = await decodeImage(file, FACE_SHORT_SIDE);
    const tensor = api.tf.tensor3d(new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), [image.height, image.width, 3], 'int32');
    const theirs = await api.detectAllFaces(tensor, new api.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 })).withFaceLandmarks().withFaceDescriptors();
    const tiny = await api.detectAllFaces(tensor, new api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.3 }));
    tensor.dispose();
    const ours = await finder.find(file);
    const name = path.basename(file);
    // face-api's rule as the job applies it: an SSD face is kept where the tiny detector sees one too (a cat's face is not).
    const seenByBoth = tiny.length === 0 ? [] : theirs;
    assert.equal(ours.length, seenByBoth.length, `${name}: as many faces as face-api finds`);
    if (name === 'chelsea.png') assert.ok(theirs.length > 0 && ours.length === 0, "the cat's face: SSD's, not the tiny detector's, so not kept");
    for (const face of ours) {
      const box = { x: face.box.x * image.width, y: face.box.y * image.height, width: face.box.width * image.width, height: face.box.height * image.height };
      const same = theirs.find((t) => Math.abs(t.detection.box.x - box.x) < 1 && Math.abs(t.detection.box.y - box.y) < 1);
      assert.ok(same, `${name}: the face at ${Math.round(box.x)},${Math.round(box.y)} is one face-api finds`);
      assert.ok(Math.abs(same.detection.box.width - box.width) < 1 && Math.abs(same.detection.box.height - box.height) < 1, `${name}: the same box`);
      assert.ok(Math.abs(same.detection.score - face.score) < 1e-3, `${name}: the same score`);
      assert.ok(cosine(same.descriptor, face.descriptor) >= 0.99, `${name}: the same descriptor (cosine ${cosine(same.descriptor, face.descriptor)})`);
      compared++;
    }
  }
  assert.ok(compared >= 8, `faces compared: ${compared}`);
});
