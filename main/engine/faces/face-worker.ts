import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { laplacianVariance } from '../duplicates/picture-facts.js';
import { decodeImage } from '../embed/decode-image.js';
import type { FaceRow } from '../store/faces.js';

/**
 * Finding faces, off the main thread: face-api (vladmandic's maintained fork) on TensorFlow.js's
 * WebAssembly backend, with the weights its npm package ships. Per picture: the SSD MobileNetV1
 * detector, each face confirmed by a second detector (TinyFaceDetector), 68 landmarks, and the
 * 128-d descriptor of the aligned face (the ResNet-34-like recognition net).
 */
export interface FaceRequest {
  id: number;
  file: string;
}

/** A face as found: its box as fractions of the picture as shown, both detectors' say, size, focus, turn and descriptor (see FaceRow). */
export type FoundFace = Omit<FaceRow, 'id' | 'contentHash'>;

export type FaceReply = { id: number; faces: FoundFace[] } | { id: number; error: string };

/** Pictures are looked at with this shorter side: SSD sees 512 px, descriptors come from 150-px crops. */
export const FACE_SHORT_SIDE = 1024;
/** The detector's score a face needs. */
const MIN_SCORE = 0.5;
/** A face the second detector does not see (overlap under this) is taken for a false one (a cat's face, a pattern). */
export const MIN_AGREEMENT = 0.2;
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
/** What this worker uses of face-api (its typings reference files its package leaves out). */
interface FaceApi {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
  };
  nets: Record<'ssdMobilenetv1' | 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceRecognitionNet', { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (options: { minConfidence: number; maxResults?: number }) => unknown;
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(
    input: unknown,
    options: unknown,
  ): PromiseLike<{ box: Box; score: number }[]> & {
    withFaceLandmarks(): { withFaceDescriptors(): PromiseLike<{ detection: { box: Box; score: number }; landmarks: { getLeftEye(): Point[]; getRightEye(): Point[]; getNose(): Point[] }; descriptor: Float32Array }[]> };
  };
}

const require = createRequire(import.meta.url);
let loading: Promise<FaceApi> | null = null;

function faceApi(): Promise<FaceApi> {
  loading ??= (async () => {
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}${path.sep}`);
    await api.tf.setBackend('wasm');
    await api.tf.ready();
    const weights = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await Promise.all([api.nets.ssdMobilenetv1, api.nets.tinyFaceDetector, api.nets.faceLandmark68Net, api.nets.faceRecognitionNet].map((net) => net.loadFromDisk(weights)));
    return api;
  })();
  return loading;
}

const overlap = (a: Box, b: Box): number => {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
};

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

const tinyOptions = (api: FaceApi): unknown => new api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.3 });

/**
 * The faces in a picture. The cheap detector looks first: a face is kept only where it sees one
 * too, so where it sees none the costly one need not look (most photos hold no face).
 */
async function look(api: FaceApi, pixels: Buffer, width: number, height: number): Promise<Omit<FoundFace, 'size'>[]> {
  const tensor = api.tf.tensor3d(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), [height, width, 3], 'int32');
  try {
    const second = await api.detectAllFaces(tensor, tinyOptions(api));
    if (second.length === 0) return [];
    const faces = await api.detectAllFaces(tensor, new api.SsdMobilenetv1Options({ minConfidence: MIN_SCORE, maxResults: 100 })).withFaceLandmarks().withFaceDescriptors();
    return faces.map((face) => {
      const box = face.detection.box;
      const [left, right, nose] = [centre(face.landmarks.getLeftEye()), centre(face.landmarks.getRightEye()), face.landmarks.getNose()];
      const eyes = Math.hypot(right.x - left.x, right.y - left.y) || 1;
      // Point 30 of the 68: the tip of the nose.
      const tip = nose[3] ?? centre(nose);
      return {
        box: { x: box.x, y: box.y, width: box.width, height: box.height },
        score: face.detection.score,
        agreement: Math.max(0, ...second.map((other) => overlap(box, other.box))),
        sharpness: faceSharpness(pixels, width, height, box),
        yaw: (tip.x - (left.x + right.x) / 2) / eyes,
        descriptor: Float32Array.from(face.descriptor),
      };
    });
  } finally {
    tensor.dispose();
  }
}

export async function findFaces(file: string): Promise<FoundFace[]> {
  const api = await faceApi();
  const image = await decodeImage(file, FACE_SHORT_SIDE);
  const { width, height, pixels } = image;
  let found = await look(api, pixels, width, height);
  let shift = 0;
  if (found.length === 0) {
    // Faces cut by the picture's edge (a tight portrait crop) are found inside a border.
    shift = Math.round(BORDER * Math.max(width, height));
    const framed = withBorder(pixels, width, height, shift);
    found = await look(api, framed.pixels, framed.width, framed.height);
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
