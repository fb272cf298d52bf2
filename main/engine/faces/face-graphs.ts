import { FLOAT, GraphBuilder } from '../models/onnx-graph.js';

/**
 * face-api's two face detectors (Tiny Face Detector, SSD MobileNetV1) and its recognition net
 * rebuilt as ONNX graphs with the weights its package ships (read from the loaded nets), so
 * onnxruntime runs them, with what face-api does around them (inputs normalised, boxes decoded,
 * overlaps suppressed). Measured 7-14× faster than TensorFlow.js's WebAssembly backend on the
 * same inputs, with the same outputs (`npm run bench -- --only faces`). The landmarks net (a
 * small share of the time) stays with face-api, as do its ways to cut and align faces.
 */

/** What a loaded face-api net's parameters hold: TensorFlow.js tensors. */
interface Tensor {
  shape: number[];
  dataSync(): Float32Array;
}

/** A tensor's values and shape, read once. */
const valuesOf = (t: unknown): { data: Float32Array; shape: number[] } => {
  const tensor = t as Tensor;
  return { data: tensor.dataSync(), shape: tensor.shape };
};

/** TF's [kh, kw, in, out] filters as ONNX's [out, in, kh, kw], each output channel times scale. */
function convWeights(filters: { data: Float32Array; shape: number[] }, scale?: Float32Array): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, cout] = filters.shape as [number, number, number, number];
  const out = new Float32Array(filters.data.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((o * cin + i) * kh + y) * kw + x] = (filters.data[((y * kw + x) * cin + i) * cout + o] as number) * (scale?.[o] ?? 1);
  return { data: out, dims: [cout, cin, kh, kw] };
}

/** TF's depthwise [kh, kw, c, 1] as ONNX's grouped [c, 1, kh, kw]. */
function depthwiseWeights(filters: { data: Float32Array; shape: number[] }): { data: Float32Array; dims: number[] } {
  const [kh, kw, c] = filters.shape as [number, number, number];
  const out = new Float32Array(filters.data.length);
  for (let ch = 0; ch < c; ch++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[(ch * kh + y) * kw + x] = filters.data[(y * kw + x) * c + ch] as number;
  return { data: out, dims: [c, 1, kh, kw] };
}

/** The recognition net (ResNet-34-like, 150×150 in, 128 out): each conv's scale layer folded into it. */
export function recognitionGraph(params: Record<string, unknown>): Uint8Array {
  const g = new GraphBuilder();
  const input = g.input('x', FLOAT, [1, 150, 150, 3]);
  let x = g.node('Transpose', [input], { perm: [0, 3, 1, 2] });
  let [h, c] = [150, 3];
  type ConvParams = { conv: { filters: unknown; bias: unknown }; scale: { weights: unknown; biases: unknown } };
  const conv = (from: string, p: ConvParams, stride: number, relu: boolean, same: boolean): string => {
    const filters = valuesOf(p.conv.filters);
    const scale = valuesOf(p.scale.weights).data;
    const bias = valuesOf(p.conv.bias).data.map((b, o) => b * (scale[o] as number) + (valuesOf(p.scale.biases).data[o] as number));
    const w = convWeights(filters, scale);
    const k = w.dims[2] as number;
    const pad = same ? (k - 1) / 2 : 0;
    const out = g.node('Conv', [from, g.floats(w.data, w.dims), g.floats(bias, [bias.length])], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] });
    h = same ? Math.ceil(h / stride) : Math.floor((h - k) / stride) + 1;
    c = w.dims[0] as number;
    return relu ? g.node('Relu', [out]) : out;
  };
  type Residual = { conv1: ConvParams; conv2: ConvParams };
  const residual = (from: string, p: Residual): string => g.node('Relu', [g.node('Add', [conv(conv(from, p.conv1, 1, true, true), p.conv2, 1, false, true), from])]);
  const residualDown = (from: string, p: Residual): string => {
    const [inH, inC] = [h, c];
    let out = conv(conv(from, p.conv1, 2, true, false), p.conv2, 1, false, true);
    let pooled = g.node('AveragePool', [from], { kernel_shape: [2, 2], strides: [2, 2] });
    const pooledH = Math.floor(inH / 2);
    // As face-api does: the convolution's side padded with zeros to the pool's, the pool's channels with zeros to the convolution's.
    if (pooledH !== h) {
      out = g.node('Pad', [out, g.int64s([0, 0, 0, 0, 0, 0, pooledH - h, pooledH - h])]);
      h = pooledH;
    }
    if (inC !== c) pooled = g.node('Pad', [pooled, g.int64s([0, 0, 0, 0, 0, c - inC, 0, 0])]);
    return g.node('Relu', [g.node('Add', [pooled, out])]);
  };
  const p = params as Record<string, Residual & ConvParams>;
  x = conv(x, p.conv32_down as ConvParams, 2, true, false);
  x = g.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] });
  h = Math.floor((h - 3) / 2) + 1;
  for (const name of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p[name] as Residual);
  x = residualDown(x, p.conv64_down as Residual);
  for (const name of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p[name] as Residual);
  x = residualDown(x, p.conv128_down as Residual);
  for (const name of ['conv128_1', 'conv128_2']) x = residual(x, p[name] as Residual);
  x = residualDown(x, p.conv256_down as Residual);
  for (const name of ['conv256_1', 'conv256_2']) x = residual(x, p[name] as Residual);
  x = residualDown(x, p.conv256_down_out as Residual);
  const mean = g.node('ReduceMean', [x, g.int64s([2, 3])], { keepdims: 0 });
  const fc = valuesOf(params.fc);
  g.node('MatMul', [mean, g.floats(fc.data, fc.shape)], {}, 'descriptor');
  g.output('descriptor', FLOAT, [1, 128]);
  return g.toBytes('face-recognition');
}

/** The Tiny Face Detector (a Tiny YOLO v2 of separable convolutions), its raw 13×13×25 grid out, as TF lays it. */
export function tinyDetectorGraph(params: Record<string, unknown>, size: number): Uint8Array {
  const g = new GraphBuilder();
  const input = g.input('x', FLOAT, [1, size, size, 3]);
  let x = g.node('Transpose', [input], { perm: [0, 3, 1, 2] });
  const leaky = (from: string): string => g.node('LeakyRelu', [from], { alpha: 0.10000000149011612 });
  const plain = (from: string, p: { filters: unknown; bias: unknown }): string => {
    const w = convWeights(valuesOf(p.filters));
    const bias = valuesOf(p.bias).data;
    return g.node('Conv', [from, g.floats(w.data, w.dims), g.floats(bias, [bias.length])], { kernel_shape: [w.dims[2] as number, w.dims[3] as number] });
  };
  const separable = (from: string, p: { depthwise_filter: unknown; pointwise_filter: unknown; bias: unknown }): string => {
    const dw = depthwiseWeights(valuesOf(p.depthwise_filter));
    const pw = convWeights(valuesOf(p.pointwise_filter));
    const bias = valuesOf(p.bias).data;
    const depth = g.node('Conv', [from, g.floats(dw.data, dw.dims)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: dw.dims[0] as number });
    return leaky(g.node('Conv', [depth, g.floats(pw.data, pw.dims), g.floats(bias, [bias.length])], { kernel_shape: [1, 1] }));
  };
  const pool = (from: string, stride: number): string => g.node('MaxPool', [from], { kernel_shape: [2, 2], strides: [stride, stride], auto_pad: 'SAME_UPPER' });
  type Sep = { depthwise_filter: unknown; pointwise_filter: unknown; bias: unknown };
  const p = params as Record<string, Sep & { filters: unknown }>;
  x = pool(leaky(plain(x, p.conv0 as { filters: unknown; bias: unknown })), 2);
  for (const name of ['conv1', 'conv2', 'conv3', 'conv4']) x = pool(separable(x, p[name] as Sep), 2);
  x = pool(separable(x, p.conv5 as Sep), 1);
  for (const name of ['conv6', 'conv7']) if (p[name]) x = separable(x, p[name] as Sep);
  x = plain(x, p.conv8 as { filters: unknown; bias: unknown });
  g.node('Transpose', [x], { perm: [0, 2, 3, 1] }, 'grid');
  g.output('grid', FLOAT, [1, 'h', 'w', 25]);
  return g.toBytes('tiny-face-detector');
}


type Pointwise = { filters: unknown; batch_norm_offset: unknown };
type Depthwise = { filters: unknown; batch_norm_scale: unknown; batch_norm_offset: unknown; batch_norm_mean: unknown; batch_norm_variance: unknown };
type Predictor = { box_encoding_predictor: { filters: unknown; bias: unknown }; class_predictor: { filters: unknown; bias: unknown } };

/**
 * The SSD MobileNetV1 face detector (512×512 in): MobileNetV1, six feature maps, a box and class
 * prediction per anchor. Out: the raw box encodings [1, anchors, 4] and class logits [1, anchors, 3]
 * in face-api's anchor order (decoded by ssdFaces). TensorFlow's SAME padding is ONNX's SAME_UPPER.
 */
export function ssdGraph(params: Record<string, unknown>): Uint8Array {
  const g = new GraphBuilder();
  const input = g.input('x', FLOAT, [1, SSD_SIZE, SSD_SIZE, 3]);
  const [zero, six] = [g.floats([0], []), g.floats([6], [])];
  const same = (stride: number): Record<string, number | number[] | string> => ({ strides: [stride, stride], auto_pad: 'SAME_UPPER' });
  const pointwise = (from: string, p: Pointwise, stride: number): string => {
    const w = convWeights(valuesOf(p.filters));
    const bias = valuesOf(p.batch_norm_offset).data;
    const conv = g.node('Conv', [from, g.floats(w.data, w.dims), g.floats(bias, [bias.length])], { kernel_shape: [w.dims[2] as number, w.dims[3] as number], ...same(stride) });
    return g.node('Clip', [conv, zero, six]);
  };
  const depthwise = (from: string, p: Depthwise, stride: number): string => {
    const w = depthwiseWeights(valuesOf(p.filters));
    const [scale, offset, mean, variance] = [p.batch_norm_scale, p.batch_norm_offset, p.batch_norm_mean, p.batch_norm_variance].map((t) => valuesOf(t).data) as [Float32Array, Float32Array, Float32Array, Float32Array];
    // The batch norm folded into the convolution: w × s, offset − mean × s, s = scale / √(variance + ε).
    const s = scale.map((v, c) => v / Math.sqrt((variance[c] as number) + 0.0010000000474974513));
    const perChannel = (w.dims[2] as number) * (w.dims[3] as number);
    const folded = w.data.map((v, i) => v * (s[Math.floor(i / perChannel)] as number));
    const bias = offset.map((v, c) => v - (mean[c] as number) * (s[c] as number));
    const conv = g.node('Conv', [from, g.floats(folded, w.dims), g.floats(bias, [bias.length])], { kernel_shape: [3, 3], group: w.dims[0] as number, ...same(stride) });
    return g.node('Clip', [conv, zero, six]);
  };
  const mobilenet = params.mobilenetv1 as Record<string, Pointwise & { depthwise_conv: Depthwise; pointwise_conv: Pointwise }>;
  let x = pointwise(g.node('Transpose', [input], { perm: [0, 3, 1, 2] }), mobilenet.conv_0 as Pointwise, 2);
  let conv11 = x;
  for (let i = 1; i <= 13; i++) {
    const pair = mobilenet[`conv_${i}`] as { depthwise_conv: Depthwise; pointwise_conv: Pointwise };
    x = pointwise(depthwise(x, pair.depthwise_conv, [2, 4, 6, 12].includes(i) ? 2 : 1), pair.pointwise_conv, 1);
    if (i === 11) conv11 = x;
  }
  const layer = params.prediction_layer as Record<string, Pointwise & Predictor>;
  const maps = [conv11, x];
  let extra = x;
  for (let i = 0; i < 8; i++) {
    extra = pointwise(extra, layer[`conv_${i}`] as Pointwise, i % 2 === 1 ? 2 : 1);
    if (i % 2 === 1) maps.push(extra);
  }
  const flat = (from: string, p: { filters: unknown; bias: unknown }, width: number): string => {
    const w = convWeights(valuesOf(p.filters));
    const bias = valuesOf(p.bias).data;
    const conv = g.node('Conv', [from, g.floats(w.data, w.dims), g.floats(bias, [bias.length])], { kernel_shape: [w.dims[2] as number, w.dims[3] as number], ...same(1) });
    // TensorFlow's order (row, column, anchor), as the anchors are listed.
    return g.node('Reshape', [g.node('Transpose', [conv], { perm: [0, 2, 3, 1] }), g.int64s([1, -1, width])]);
  };
  const predictors = maps.map((map, i) => layer[`box_predictor_${i}`] as Predictor);
  g.node('Concat', maps.map((map, i) => flat(map, (predictors[i] as Predictor).box_encoding_predictor, 4)), { axis: 1 }, 'boxes');
  g.node('Concat', maps.map((map, i) => flat(map, (predictors[i] as Predictor).class_predictor, 3)), { axis: 1 }, 'classes');
  g.output('boxes', FLOAT, [1, 'anchors', 4]);
  g.output('classes', FLOAT, [1, 'anchors', 3]);
  return g.toBytes('ssd-mobilenetv1');
}

/** SSD's anchors ([1, anchors, 4] as top, left, bottom, right), from the loaded net. */
export const ssdAnchors = (params: Record<string, unknown>): Float32Array => valuesOf((params.output_layer as { extra_dim: unknown }).extra_dim).data;

/** SSD's input side, and the overlap over which the weaker of two faces is dropped (face-api's). */
export const SSD_SIZE = 512;
const SSD_IOU = 0.5;

/** A face as a fraction of the picture: face-api's relative box. */
export interface RelativeFace {
  box: Rect;
  score: number;
}

/**
 * SSD's faces from its raw output, as face-api decodes them: each anchor's box moved and scaled by
 * its encoding (centre ÷ 10, size ÷ 5, as trained), scored by the face class's sigmoid, the
 * strongest kept first and any box overlapping a kept one by more than half dropped; as fractions
 * of the picture, which was padded square at its bottom or right.
 */
export function ssdFaces(boxes: Float32Array, classes: Float32Array, anchors: Float32Array, width: number, height: number, minScore: number, maxResults: number): RelativeFace[] {
  const count = anchors.length / 4;
  const candidates: { at: number; score: number; box: [number, number, number, number] }[] = [];
  for (let at = 0; at < count; at++) {
    const score = sigmoid(classes[at * 3 + 1] as number);
    if (score <= minScore) continue;
    const [top, left, bottom, right] = [anchors[at * 4], anchors[at * 4 + 1], anchors[at * 4 + 2], anchors[at * 4 + 3]] as [number, number, number, number];
    const [h, w] = [bottom - top, right - left];
    const [cy, cx] = [top + h / 2, left + w / 2];
    const [ey, ex, eh, ew] = [boxes[at * 4], boxes[at * 4 + 1], boxes[at * 4 + 2], boxes[at * 4 + 3]] as [number, number, number, number];
    const [y, x] = [(ey / 10) * h + cy, (ex / 10) * w + cx];
    const [halfH, halfW] = [(Math.exp(eh / 5) * h) / 2, (Math.exp(ew / 5) * w) / 2];
    candidates.push({ at, score, box: [y - halfH, x - halfW, y + halfH, x + halfW] });
  }
  candidates.sort((a, b) => b.score - a.score);
  const asRect = ([t, l, b, r]: readonly number[]): Rect => {
    const [top, left] = [Math.min(t as number, b as number), Math.min(l as number, r as number)];
    return { x: left, y: top, width: Math.abs((r as number) - (l as number)), height: Math.abs((b as number) - (t as number)) };
  };
  const kept: typeof candidates = [];
  for (const c of candidates) {
    if (kept.length >= maxResults) break;
    const rect = asRect(c.box);
    if (rect.width * rect.height <= 0) continue;
    if (kept.every((k) => intersectionOverUnion(asRect(k.box), rect) <= SSD_IOU)) kept.push(c);
  }
  const scale = SSD_SIZE / Math.max(width, height);
  const [padX, padY] = [SSD_SIZE / Math.round(width * scale), SSD_SIZE / Math.round(height * scale)];
  return kept.map(({ box: [t, l, b, r], score }) => {
    const [top, bottom] = [Math.max(0, t) * padY, Math.min(1, b) * padY];
    const [left, right] = [Math.max(0, l) * padX, Math.min(1, r) * padX];
    return { box: { x: left, y: top, width: right - left, height: bottom - top }, score };
  });
}

/** The tiny detector's input side, its mean colour, anchors and overlap for suppression (face-api's own). */
export const TINY_SIZE = 416;
export const TINY_MEAN = [117.001, 114.697, 97.404];
const TINY_ANCHORS = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
] as const;
const TINY_IOU = 0.4;
/** The recognition net's input side and mean colour. */
export const RECOGNITION_SIZE = 150;
export const RECOGNITION_MEAN = [122.782, 117.001, 104.298];

/** An input batch of face-api's (NHWC, 0-255) as its nets see it: less the mean colour, over 255 (SSD: over 127.5). */
export function normalise(pixels: Float32Array, mean: readonly number[], divisor = 255): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = ((pixels[i] as number) - (mean[i % 3] as number)) / divisor;
  return out;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const intersectionOverUnion = (a: Rect, b: Rect): number => {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
};

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The tiny detector's faces from its grid (cells × cells × 5 anchors × [x, y, w, h, score]), in
 * the picture's pixels, as face-api reads them: a box per anchor scoring over the threshold, the
 * weaker of two overlapping boxes dropped. The picture was padded square at its bottom or right.
 */
export function tinyFaces(grid: Float32Array, cells: number, width: number, height: number, minScore: number): { box: Rect; score: number }[] {
  const scale = TINY_SIZE / Math.max(width, height);
  const [fx, fy] = [TINY_SIZE / Math.round(width * scale), TINY_SIZE / Math.round(height * scale)];
  const found: { box: Rect; score: number }[] = [];
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (const [anchor, [ax, ay]] of TINY_ANCHORS.entries()) {
        const at = ((row * cells + col) * TINY_ANCHORS.length + anchor) * 5;
        const score = sigmoid(grid[at + 4] as number);
        if (score <= minScore) continue;
        const w = ((Math.exp(grid[at + 2] as number) * ax) / cells) * fx;
        const h = ((Math.exp(grid[at + 3] as number) * ay) / cells) * fy;
        const cx = ((col + sigmoid(grid[at] as number)) / cells) * fx;
        const cy = ((row + sigmoid(grid[at + 1] as number)) / cells) * fy;
        found.push({ box: { x: (cx - w / 2) * width, y: (cy - h / 2) * height, width: w * width, height: h * height }, score });
      }
    }
  }
  found.sort((a, b) => b.score - a.score);
  const kept: { box: Rect; score: number }[] = [];
  for (const face of found) if (kept.every((k) => intersectionOverUnion(k.box, face.box) <= TINY_IOU)) kept.push(face);
  return kept;
}
