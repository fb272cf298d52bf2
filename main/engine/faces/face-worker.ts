import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { laplacianVariance } from '../duplicates/picture-facts.js';
import { decodeImage } from '../embed/decode-image.js';
import type { FaceRow } from '../store/faces.js';
import { FACE_SHORT_SIDE } from './face-rules.js';
import {
  intersectionOverUnion,
  normalise,
  RECOGNITION_MEAN,
  RECOGNITION_SIZE,
  recognitionGraph,
  SSD_SIZE,
  ssdAnchors,
  ssdFaces,
  ssdGraph,
  TINY_MEAN,
  TINY_SIZE,
  tinyDetectorGraph,
  tinyFaces,
} from './face-graphs.js';

/**
 * Finding faces, off the main thread, with face-api's networks and the weights its npm package
 * ships (vladmandic's maintained fork). Per picture: the Tiny Face Detector; where it sees a
 * face, the SSD MobileNetV1 detector (each face kept only where both see it), 68 landmarks, and
 * the 128-d descriptor of the aligned face (the ResNet-34-like recognition net). The tiny
 * detector and the recognition net run as ONNX graphs rebuilt from those weights on
 * onnxruntime (face-graphs.ts: 7-14× faster, same outputs); the landmarks on
 * TensorFlow.js's WebAssembly backend, through face-api.
 */
export interface FaceRequest {
  id: number;
  file: string;
}

/** A face as found: its box as fractions of the picture as shown, both detectors' say, size, focus, turn and descriptor (see FaceRow). */
export type FoundFace = Omit<FaceRow, 'id' | 'contentHash'>;

export type FaceReply = { id: number; faces: FoundFace[] } | { id: number; error: string };

/** The detector's score a face needs, and the most faces taken from one picture. */
const MIN_SCORE = 0.5;
const MAX_FACES = 100;
/** A picture without faces is looked at again inside a border of this share: faces cropped to the edge are missed otherwise. */
const BORDER = 0.25;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Point {
  x: number;
  y: number;
}
interface Tensor {
  shape: number[];
  dataSync(): Float32Array;
  dispose(): void;
}
interface Net {
  loadFromDisk(dir: string): Promise<void>;
  params: Record<string, unknown>;
  dispose(): void;
}
/** What this worker uses of face-api (its typings reference files its package leaves out). */
interface FaceApi {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): Tensor;
  };
  nets: Record<'ssdMobilenetv1' | 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceRecognitionNet', Net>;
  NetInput: new (inputs: Tensor[]) => { toBatchTensor(size: number, centred: boolean): Tensor };
  extractFaceTensors(input: Tensor, boxes: unknown[]): Promise<Tensor[]>;
  FaceDetection: new (score: number, relativeBox: unknown, imageDims: { width: number; height: number }) => { box: Box };
  Rect: new (x: number, y: number, width: number, height: number) => unknown;
}
/** face-api's 68 points of a face, in the picture. */
interface Landmarks {
  getLeftEye(): Point[];
  getRightEye(): Point[];
  getNose(): Point[];
  align(detection: null, options: { useDlibAlignment: boolean }): unknown;
}
interface LandmarkNet extends Net {
  detectLandmarks(face: Tensor): Promise<{ shiftBy(x: number, y: number): Landmarks }>;
}

/** face-api (its landmarks net, its ways to cut and align faces), and the three nets rebuilt as ONNX graphs, loaded once. */
interface Finder {
  api: FaceApi;
  tiny: ort.InferenceSession;
  ssd: ort.InferenceSession;
  anchors: Float32Array;
  recognition: ort.InferenceSession;
}

const require = createRequire(import.meta.url);
let loading: Promise<Finder> | null = null;

/** One thread per session: the faces job runs beside indexing and search (and measured as fast so). */
const SESSION = { intraOpNumThreads: 1, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };

function finder(): Promise<Finder> {
  loading ??= (async () => {
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}${path.sep}`);
    await api.tf.setBackend('wasm');
    await api.tf.ready();
    const weights = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await Promise.all([api.nets.ssdMobilenetv1, api.nets.tinyFaceDetector, api.nets.faceLandmark68Net, api.nets.faceRecognitionNet].map((net) => net.loadFromDisk(weights)));
    const tiny = await ort.InferenceSession.create(tinyDetectorGraph(api.nets.tinyFaceDetector.params, TINY_SIZE), SESSION);
    const ssd = await ort.InferenceSession.create(ssdGraph(api.nets.ssdMobilenetv1.params), SESSION);
    const anchors = ssdAnchors(api.nets.ssdMobilenetv1.params);
    const recognition = await ort.InferenceSession.create(recognitionGraph(api.nets.faceRecognitionNet.params), SESSION);
    // Their weights now live in the graphs.
    for (const net of [api.nets.tinyFaceDetector, api.nets.ssdMobilenetv1, api.nets.faceRecognitionNet]) net.dispose();
    return { api, tiny, ssd, anchors, recognition };
  })();
  return loading;
}

/** A face-api input batch (NHWC, 0-255, size × size) normalised and run through one of the graphs. */
async function runGraph(session: ort.InferenceSession, batch: Tensor, mean: readonly number[], divisor?: number): Promise<ort.InferenceSession.OnnxValueMapType> {
  const [, height, width] = batch.shape as [number, number, number];
  const input = normalise(batch.dataSync(), mean, divisor);
  batch.dispose();
  return session.run({ x: new ort.Tensor('float32', input, [1, height, width, 3]) });
}

const centre = (points: readonly Point[]): Point => ({
  x: points.reduce((sum, p) => sum + p.x, 0) / Math.max(1, points.length),
  y: points.reduce((sum, p) => sum + p.y, 0) / Math.max(1, points.length),
});

/** A picture's pixels with a plain border around it, for the second look. */
function withBorder(pixels: Buffer, width: number, height: number, border: number): { pixels: Buffer; width: number; height: number } {
  const [w, h] = [width + 2 * border, height + 2 * border];
  const out = Buffer.alloc(w * h * 3, 128);
  for (let y = 0; y < height; y++) pixels.copy(out, ((y + border) * w + border) * 3, y * width * 3, (y + 1) * width * 3);
  return { pixels: out, width: w, height: h };
}

/** A face's focus: the Laplacian variance of a 64×64 grey copy of its box. */
function faceSharpness(pixels: Buffer, width: number, height: number, box: Box): number {
  const grey = new Uint8Array(64 * 64);
  for (let gy = 0; gy < 64; gy++) {
    for (let gx = 0; gx < 64; gx++) {
      const x = Math.min(width - 1, Math.max(0, Math.round(box.x + ((gx + 0.5) * box.width) / 64)));
      const y = Math.min(height - 1, Math.max(0, Math.round(box.y + ((gy + 0.5) * box.height) / 64)));
      const at = (y * width + x) * 3;
      grey[gy * 64 + gx] = Math.round(0.299 * (pixels[at] as number) + 0.587 * (pixels[at + 1] as number) + 0.114 * (pixels[at + 2] as number));
    }
  }
  return laplacianVariance(grey, 64, 64) ?? 0;
}

/** The second detector's score a face needs (low: it only has to agree that a face is there). */
const TINY_SCORE = 0.3;

/**
 * The faces in a picture. The cheap detector looks first: a face is kept only where it sees one
 * too, so where it sees none the costly one need not look (most photos hold no face).
 */
async function look({ api, tiny, ssd, anchors, recognition }: Finder, pixels: Buffer, width: number, height: number): Promise<Omit<FoundFace, 'size'>[]> {
  const tensor = api.tf.tensor3d(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), [height, width, 3], 'int32');
  try {
    const { grid } = await runGraph(tiny, new api.NetInput([tensor]).toBatchTensor(TINY_SIZE, false), TINY_MEAN);
    const second = tinyFaces(grid?.data as Float32Array, grid?.dims[1] as number, width, height, TINY_SCORE);
    if (second.length === 0) return [];
    const { boxes, classes } = await runGraph(ssd, new api.NetInput([tensor]).toBatchTensor(SSD_SIZE, false), [127.5, 127.5, 127.5], 127.5);
    const faces = ssdFaces(boxes?.data as Float32Array, classes?.data as Float32Array, anchors, width, height, MIN_SCORE, MAX_FACES);
    const found: Omit<FoundFace, 'size'>[] = [];
    const landmarkNet = api.nets.faceLandmark68Net as LandmarkNet;
    for (const face of faces) {
      const detection = new api.FaceDetection(face.score, new api.Rect(face.box.x, face.box.y, face.box.width, face.box.height), { width, height });
      const box = detection.box;
      const [cut] = await api.extractFaceTensors(tensor, [detection]);
      if (!cut) continue;
      const landmarks = (await landmarkNet.detectLandmarks(cut)).shiftBy(box.x, box.y);
      cut.dispose();
      const [left, right, nose] = [centre(landmarks.getLeftEye()), centre(landmarks.getRightEye()), landmarks.getNose()];
      const eyes = Math.hypot(right.x - left.x, right.y - left.y) || 1;
      // Point 30 of the 68: the tip of the nose.
      const tip = nose[3] ?? centre(nose);
      // The descriptor of the face cut out as face-api aligns it (dlib's way: a box the landmarks set), made square about its centre.
      const [aligned] = await api.extractFaceTensors(tensor, [landmarks.align(null, { useDlibAlignment: true })]);
      if (!aligned) continue;
      const { descriptor } = await runGraph(recognition, new api.NetInput([aligned]).toBatchTensor(RECOGNITION_SIZE, true), RECOGNITION_MEAN);
      aligned.dispose();
      found.push({
        box: { x: box.x, y: box.y, width: box.width, height: box.height },
        score: face.score,
        agreement: Math.max(0, ...second.map((other) => intersectionOverUnion(box, other.box))),
        sharpness: faceSharpness(pixels, width, height, box),
        yaw: (tip.x - (left.x + right.x) / 2) / eyes,
        descriptor: Float32Array.from(descriptor?.data as Float32Array),
      });
    }
    return found;
  } finally {
    tensor.dispose();
  }
}

export async function findFaces(file: string): Promise<FoundFace[]> {
  const loaded = await finder();
  const image = await decodeImage(file, FACE_SHORT_SIDE);
  const { width, height, pixels } = image;
  let found = await look(loaded, pixels, width, height);
  let shift = 0;
  if (found.length === 0) {
    // Faces cut by the picture's edge (a tight portrait crop) are found inside a border.
    shift = Math.round(BORDER * Math.max(width, height));
    const framed = withBorder(pixels, width, height, shift);
    found = await look(loaded, framed.pixels, framed.width, framed.height);
  }
  const toOriginal = image.original.width / width;
  return found.map((face) => {
    const x = Math.max(0, face.box.x - shift);
    const y = Math.max(0, face.box.y - shift);
    const right = Math.min(width, face.box.x - shift + face.box.width);
    const bottom = Math.min(height, face.box.y - shift + face.box.height);
    return {
      ...face,
      box: { x: x / width, y: y / height, width: (right - x) / width, height: (bottom - y) / height },
      size: Math.round(Math.min(right - x, bottom - y) * toOriginal),
    };
  });
}

// Only as the face finder's own worker (workerData says so): this module is imported elsewhere
// for its types and constants, maybe inside another worker, whose messages are not ours.
if (parentPort && (workerData as { faceFinder?: boolean } | null)?.faceFinder === true) {
  const port = parentPort;
  port.on('message', (request: FaceRequest) => {
    findFaces(request.file).then(
      (faces) => port.postMessage({ id: request.id, faces } satisfies FaceReply),
      (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies FaceReply),
    );
  });
}
