import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp, { type Region } from 'sharp';
import { decodeImage } from '../main/engine/embed/decode-image.js';
import { normalise, RECOGNITION_MEAN, RECOGNITION_SIZE, recognitionGraph, SSD_SIZE, ssdGraph, TINY_MEAN, TINY_SIZE, tinyDetectorGraph } from '../main/engine/faces/face-graphs.js';

/**
 * face-api's networks run two ways on the same inputs: TensorFlow.js's WebAssembly backend (face-api's
 * own) and the same weights rebuilt as ONNX graphs run by onnxruntime-node (face-graphs.ts, what the
 * faces job now uses). Timed network by network, outputs compared: the faster way is kept only
 * where it gives the same outputs (descriptors: cosine ≥ 0.99 on real faces).
 */

interface Tensor {
  shape: number[];
  dataSync(): Float32Array;
  dispose(): void;
}
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor3d(values: Float32Array, shape: [number, number, number]): Tensor;
}
interface Net {
  loadFromDisk(dir: string): Promise<void>;
  params: Record<string, unknown>;
  forwardInput(input: unknown, size?: number): Tensor | { boxes: Tensor[]; scores: Tensor[] };
}
interface FaceApi {
  tf: Tf;
  nets: Record<'tinyFaceDetector' | 'faceRecognitionNet' | 'ssdMobilenetv1' | 'faceLandmark68Net', Net>;
  NetInput: new (inputs: Tensor[]) => unknown;
}

const require = createRequire(import.meta.url);

export interface RuntimeComparison {
  network: string;
  wasmMs: number;
  onnxMs: number;
  onnxOneThreadMs: number;
  /** The outputs' agreement: the least cosine over the inputs (descriptors), or the largest difference (the detectors' grid or scores). */
  agreement: number;
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

/** Each network's median time per input both ways, and how closely their outputs agree. */
export async function compareFaceRuntimes(faces: { file: string; box: Region }[], photos: string[], repeats = 5): Promise<{ compared: RuntimeComparison[]; landmarksMs: number }> {
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}${path.sep}`);
  await api.tf.setBackend('wasm');
  await api.tf.ready();
  const weights = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await api.nets.faceRecognitionNet.loadFromDisk(weights);
  await api.nets.tinyFaceDetector.loadFromDisk(weights);
  await api.nets.ssdMobilenetv1.loadFromDisk(weights);
  await api.nets.faceLandmark68Net.loadFromDisk(weights);

  /** A picture's pixels (or a part of it) squashed to size × size (face-api's nets take them so and normalise them themselves). */
  const inputOf = async (file: string, size: number, part?: Region): Promise<Float32Array> => {
    const image = part ? await decodeImage(await sharp(file).extract(part).png().toBuffer(), size) : await decodeImage(file, size);
    const { pixels, width, height } = image;
    const out = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let ch = 0; ch < 3; ch++) {
          const sx = Math.min(width - 1, Math.floor((x * width) / size));
          const sy = Math.min(height - 1, Math.floor((y * height) / size));
          out[(y * size + x) * 3 + ch] = pixels[(sy * width + sx) * 3 + ch] as number;
        }
    return out;
  };
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

  const runBoth = async (
    network: string,
    graph: Uint8Array,
    inputs: Float32Array[],
    size: number,
    normalised: (data: Float32Array) => Float32Array,
    wasmRun: (input: unknown) => Float32Array,
    onnxRead: (result: ort.InferenceSession.OnnxValueMapType) => Float32Array,
    agreement: (a: Float32Array, b: Float32Array) => number,
    worst: (a: number, b: number) => number,
  ): Promise<RuntimeComparison> => {
    const sessions = [await ort.InferenceSession.create(graph), await ort.InferenceSession.create(graph, { intraOpNumThreads: 1, interOpNumThreads: 1 })];
    const [wasmTimes, onnxTimes, oneTimes] = [[] as number[], [] as number[], [] as number[]];
    let agreed: number | null = null;
    for (const data of inputs) {
      const tensor = api.tf.tensor3d(data, [size, size, 3]);
      // face-api normalises inside its nets; the ONNX graph is given the same normalised input.
      const input = new ort.Tensor('float32', normalised(data), [1, size, size, 3]);
      let fromWasm: Float32Array = new Float32Array();
      for (let r = 0; r < repeats; r++) {
        const started = performance.now();
        fromWasm = wasmRun(new api.NetInput([tensor]));
        wasmTimes.push(performance.now() - started);
      }
      tensor.dispose();
      let fromOnnx: Float32Array = new Float32Array();
      for (const [s, session] of sessions.entries()) {
        for (let r = 0; r < repeats; r++) {
          const started = performance.now();
          fromOnnx = onnxRead(await session.run({ x: input }));
          (s === 0 ? onnxTimes : oneTimes).push(performance.now() - started);
        }
      }
      const a = agreement(fromWasm, fromOnnx);
      agreed = agreed === null ? a : worst(agreed, a);
    }
    await Promise.all(sessions.map((s) => s.release()));
    return { network, wasmMs: median(wasmTimes), onnxMs: median(onnxTimes), onnxOneThreadMs: median(oneTimes), agreement: agreed ?? NaN };
  };

  const first = (result: ort.InferenceSession.OnnxValueMapType): Float32Array => (Object.values(result)[0] as ort.Tensor).data as Float32Array;
  const read = (out: ReturnType<Net['forwardInput']>): Float32Array => {
    const tensor = out as Tensor;
    const data = tensor.dataSync();
    tensor.dispose();
    return data;
  };
  const largestDifference = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

  const recognition = api.nets.faceRecognitionNet;
  const faceInputs = await Promise.all(faces.map((f) => inputOf(f.file, RECOGNITION_SIZE, f.box)));
  const results = [
    await runBoth(
      'recognition (150 px face, 128-d descriptor)',
      recognitionGraph(recognition.params),
      faceInputs,
      RECOGNITION_SIZE,
      (data) => normalise(data, RECOGNITION_MEAN),
      (input) => read(recognition.forwardInput(input)),
      first,
      cosine,
      Math.min,
    ),
  ];
  const tiny = api.nets.tinyFaceDetector;
  results.push(
    await runBoth(
      'tiny detector (416 px photo)',
      tinyDetectorGraph(tiny.params, TINY_SIZE),
      await Promise.all(photos.map((f) => inputOf(f, TINY_SIZE))),
      TINY_SIZE,
      (data) => normalise(data, TINY_MEAN),
      (input) => read(tiny.forwardInput(input, TINY_SIZE)),
      first,
      largestDifference,
      Math.max,
    ),
  );
  const ssd = api.nets.ssdMobilenetv1;
  results.push(
    await runBoth(
      'SSD detector (512 px photo), face scores of its 5,118 anchors',
      ssdGraph(ssd.params),
      await Promise.all(photos.map((f) => inputOf(f, SSD_SIZE))),
      SSD_SIZE,
      (data) => normalise(data, [127.5, 127.5, 127.5], 127.5),
      (input) => {
        // face-api's SSD decodes its boxes and scores in the graph; the scores are compared.
        const { boxes, scores } = ssd.forwardInput(input) as { boxes: Tensor[]; scores: Tensor[] };
        const data = (scores[0] as Tensor).dataSync();
        for (const t of [...boxes, ...scores]) t.dispose();
        return data;
      },
      (result) => {
        const classes = (result['classes'] as ort.Tensor).data as Float32Array;
        return Float32Array.from({ length: classes.length / 3 }, (_, i) => 1 / (1 + Math.exp(-(classes[i * 3 + 1] as number))));
      },
      largestDifference,
      Math.max,
    ),
  );
  // The landmarks net, still run by TensorFlow.js (its share of a face's time).
  const landmarkTimes: number[] = [];
  for (const data of await Promise.all(faces.map((f) => inputOf(f.file, 112, f.box)))) {
    const tensor = api.tf.tensor3d(data, [112, 112, 3]);
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      read(api.nets.faceLandmark68Net.forwardInput(new api.NetInput([tensor])));
      landmarkTimes.push(performance.now() - started);
    }
    tensor.dispose();
  }
  return { compared: results, landmarksMs: median(landmarkTimes) };
}
