/**
 * CLIP ViT-B/32 with random weights, built at bench time (never committed): the exact
 * architecture of the vision tower (224×224 input, 32×32 patches, 12 layers of width 768,
 * 12 heads, MLP 3072, projection to 512) and the text tower (77 tokens, 12 layers of width
 * 512, 8 heads, MLP 2048, causal attention, projection to 512). Its cost is CLIP's real cost:
 * 8.8 GFLOP per image. The q8 variant quantizes every linear layer's weights to int8 with
 * dynamically quantized activations, the way onnxruntime's quantize_dynamic does.
 */
import { FLOAT, GraphBuilder, INT64 } from '../../main/engine/models/onnx-graph.js';

export type Precision = 'fp32' | 'q8';

interface TowerShape {
  width: number;
  heads: number;
  layers: number;
  mlp: number;
}

const VISION: TowerShape = { width: 768, heads: 12, layers: 12, mlp: 3072 };
const TEXT: TowerShape = { width: 512, heads: 8, layers: 12, mlp: 2048 };
const PATCH = 32;
const IMAGE = 224;
const EMBED = 512;
const VOCAB = 49408;
const CONTEXT = 77;

/** FLOPs of one image through the vision tower (multiply-adds counted as 2). */
export const VISION_GFLOP = (() => {
  const tokens = (IMAGE / PATCH) ** 2 + 1;
  const { width, mlp, layers } = VISION;
  const perLayer = 2 * tokens * width * (3 * width + width + 2 * mlp) + 2 * 2 * tokens * tokens * width;
  const patchEmbed = 2 * (tokens - 1) * width * 3 * PATCH * PATCH;
  return (layers * perLayer + patchEmbed + 2 * width * EMBED) / 1e9;
})();

export class Weights {
  private state = 12345;
  /** Deterministic N(0, std) values; the numbers do not matter, only their cost. */
  normal(count: number, std = 0.02): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += 2) {
      const u1 = this.uniform() || 1e-9;
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1)) * std;
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
  private uniform(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 4294967296;
  }
}

export class Tower {
  constructor(
    private readonly g: GraphBuilder,
    private readonly w: Weights,
    private readonly precision: Precision,
  ) {}

  /** x @ W + b, with W of shape [inDim, outDim]; quantized per tensor in q8. */
  linear(x: string, inDim: number, outDim: number, bias = true): string {
    const weights = this.w.normal(inDim * outDim);
    let y: string;
    if (this.precision === 'fp32') {
      y = this.g.node('MatMul', [x, this.g.floats(weights, [inDim, outDim])]);
    } else {
      const scale = weights.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127;
      const codes = Int8Array.from(weights, (v) => Math.round(v / scale));
      const [xq, xScale, xZero] = this.g.nodeOutputs('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
      const product = this.g.node('MatMulInteger', [xq, this.g.int8s(codes, [inDim, outDim]), xZero, this.g.int8s(new Int8Array(1), [])]);
      const asFloat = this.g.node('Cast', [product], { to: FLOAT });
      const combined = this.g.node('Mul', [xScale, this.g.floats([scale], [])]);
      y = this.g.node('Mul', [asFloat, combined]);
    }
    return bias ? this.g.node('Add', [y, this.g.floats(new Float32Array(outDim), [outDim])]) : y;
  }

  layerNorm(x: string, width: number): string {
    return this.g.node('LayerNormalization', [x, this.g.floats(new Float32Array(width).fill(1), [width]), this.g.floats(new Float32Array(width), [width])], {
      axis: -1,
      epsilon: 1e-5,
    });
  }

  /** One pre-norm transformer block; `mask` is an additive [T, T] attention mask or null. */
  block(x: string, shape: TowerShape, mask: string | null): string {
    const { width, heads, mlp } = shape;
    const headDim = width / heads;
    const h = this.layerNorm(x, width);
    const qkv = this.linear(h, width, 3 * width);
    const [q, k, v] = this.g.nodeOutputs('Split', [qkv, this.g.int64s([width, width, width])], { axis: 2 }, 3) as [string, string, string];
    const split = (t: string, perm: number[]): string =>
      this.g.node('Transpose', [this.g.node('Reshape', [t, this.g.int64s([0, 0, heads, headDim])])], { perm });
    const scores = this.g.node('Mul', [
      this.g.node('MatMul', [split(q, [0, 2, 1, 3]), split(k, [0, 2, 3, 1])]),
      this.g.floats([1 / Math.sqrt(headDim)], []),
    ]);
    const masked = mask ? this.g.node('Add', [scores, mask]) : scores;
    const attention = this.g.node('MatMul', [this.g.node('Softmax', [masked], { axis: -1 }), split(v, [0, 2, 1, 3])]);
    const merged = this.g.node('Reshape', [this.g.node('Transpose', [attention], { perm: [0, 2, 1, 3] }), this.g.int64s([0, 0, width])]);
    const x1 = this.g.node('Add', [x, this.linear(merged, width, width)]);
    const h2 = this.layerNorm(x1, width);
    const up = this.linear(h2, width, mlp);
    // quick_gelu, as CLIP uses: x · sigmoid(1.702 x)
    const gelu = this.g.node('Mul', [up, this.g.node('Sigmoid', [this.g.node('Mul', [up, this.g.floats([1.702], [])])])]);
    return this.g.node('Add', [x1, this.linear(gelu, mlp, width)]);
  }
}

export function buildVisionTower(precision: Precision): Uint8Array {
  const g = new GraphBuilder();
  const w = new Weights();
  const t = new Tower(g, w, precision);
  const { width } = VISION;
  const grid = IMAGE / PATCH;
  const pixels = g.input('pixel_values', FLOAT, ['batch', 3, IMAGE, IMAGE]);
  const patches = g.node('Conv', [pixels, g.floats(w.normal(width * 3 * PATCH * PATCH), [width, 3, PATCH, PATCH])], {
    kernel_shape: [PATCH, PATCH],
    strides: [PATCH, PATCH],
  });
  const tokens = g.node('Transpose', [g.node('Reshape', [patches, g.int64s([0, width, grid * grid])])], { perm: [0, 2, 1] });
  const batch = g.node('Slice', [g.node('Shape', [tokens]), g.int64s([0]), g.int64s([1])]);
  const clsShape = g.node('Concat', [batch, g.int64s([1, width])], { axis: 0 });
  const cls = g.node('Expand', [g.floats(w.normal(width), [1, 1, width]), clsShape]);
  let x = g.node('Concat', [cls, tokens], { axis: 1 });
  x = g.node('Add', [x, g.floats(w.normal((grid * grid + 1) * width), [grid * grid + 1, width])]);
  x = t.layerNorm(x, width);
  for (let layer = 0; layer < VISION.layers; layer++) x = t.block(x, VISION, null);
  const pooled = t.layerNorm(g.node('Gather', [x, g.int64s([0])], { axis: 1 }), width);
  const projected = t.linear(g.node('Reshape', [pooled, g.int64s([0, width])]), width, EMBED, false);
  g.node('Identity', [projected], {}, 'image_embeds');
  g.output('image_embeds', FLOAT, ['batch', EMBED]);
  return g.toBytes('clip_vit_b32_vision');
}

export function buildTextTower(precision: Precision): Uint8Array {
  const g = new GraphBuilder();
  const w = new Weights();
  const t = new Tower(g, w, precision);
  const { width } = TEXT;
  const ids = g.input('input_ids', INT64, ['batch', 'sequence']);
  g.input('attention_mask', INT64, ['batch', 'sequence']);
  const length = g.node('Slice', [g.node('Shape', [ids]), g.int64s([1]), g.int64s([2])]);
  const positions = g.node('Slice', [g.floats(w.normal(CONTEXT * width), [CONTEXT, width]), g.int64s([0]), length, g.int64s([0])]);
  let x = g.node('Add', [g.node('Gather', [g.floats(w.normal(VOCAB * width), [VOCAB, width]), ids], { axis: 0 }), positions]);
  // Causal mask: a large negative number above the diagonal, cut to the sequence length.
  const causal = new Float32Array(CONTEXT * CONTEXT);
  for (let i = 0; i < CONTEXT; i++) for (let j = i + 1; j < CONTEXT; j++) causal[i * CONTEXT + j] = -1e9;
  const lengths = g.node('Concat', [length, length], { axis: 0 });
  const mask = g.node('Slice', [g.floats(causal, [CONTEXT, CONTEXT]), g.int64s([0, 0]), lengths, g.int64s([0, 1])]);
  for (let layer = 0; layer < TEXT.layers; layer++) x = t.block(x, TEXT, mask);
  x = t.layerNorm(x, width);
  // CLIP pools the end-of-text token: the highest id in each row.
  const eot = g.node('Unsqueeze', [g.node('ArgMax', [ids], { axis: 1, keepdims: 0 }), g.int64s([1])]);
  const pooled = g.node('GatherND', [x, eot], { batch_dims: 1 });
  g.node('Identity', [t.linear(pooled, width, EMBED, false)], {}, 'text_embeds');
  g.output('text_embeds', FLOAT, ['batch', EMBED]);
  return g.toBytes('clip_vit_b32_text');
}
