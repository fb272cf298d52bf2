/**
 * Random-weight ResNet-18 and DistilBERT-base, built at bench time with the exact layer
 * shapes of the default visual and text models, so the bench measures their real cost.
 * (Batch norms are folded into convolution biases, as exported inference graphs do.)
 */
import { FLOAT, GraphBuilder, INT64 } from '../../main/engine/models/onnx-graph.js';
import { Tower, Weights } from './clip-vit-b32.js';

/** ResNet-18 at 224×224: 1.8 G multiply-adds (3.6 GFLOP) per image; pooled output [B, 512]. */
export const RESNET18_GFLOP = 3.64;

export function buildResNet18(): Uint8Array {
  const g = new GraphBuilder();
  const w = new Weights();
  const conv = (x: string, cin: number, cout: number, k: number, stride: number, relu = true): string => {
    const y = g.node('Conv', [x, g.floats(w.normal(cout * cin * k * k, Math.sqrt(2 / (cin * k * k))), [cout, cin, k, k]), g.floats(new Float32Array(cout), [cout])], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [(k - 1) >> 1, (k - 1) >> 1, (k - 1) >> 1, (k - 1) >> 1],
    });
    return relu ? g.node('Relu', [y]) : y;
  };
  const pixels = g.input('pixel_values', FLOAT, ['batch', 3, 224, 224]);
  let x = conv(pixels, 3, 64, 7, 2);
  x = g.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let channels = 64;
  for (const [width, stride] of [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ] as const) {
    for (let block = 0; block < 2; block++) {
      const s = block === 0 ? stride : 1;
      const shortcut = s !== 1 || channels !== width ? conv(x, channels, width, 1, s, false) : x;
      const y = conv(conv(x, channels, width, 3, s), width, width, 3, 1, false);
      x = g.node('Relu', [g.node('Add', [y, shortcut])]);
      channels = width;
    }
  }
  g.node('Flatten', [g.node('GlobalAveragePool', [x])], { axis: 1 }, 'pooler_output');
  g.output('pooler_output', FLOAT, ['batch', 512]);
  return g.toBytes('resnet18_random');
}

/** DistilBERT-base: 6 layers of width 768, 12 heads, MLP 3072, vocabulary 30522. */
export function buildDistilBert(): Uint8Array {
  const g = new GraphBuilder();
  const w = new Weights();
  const t = new Tower(g, w, 'fp32');
  const shape = { width: 768, heads: 12, layers: 6, mlp: 3072 };
  const ids = g.input('input_ids', INT64, ['batch', 'sequence']);
  g.input('attention_mask', INT64, ['batch', 'sequence']);
  const length = g.node('Slice', [g.node('Shape', [ids]), g.int64s([1]), g.int64s([2])]);
  const positions = g.node('Slice', [g.floats(w.normal(512 * 768), [512, 768]), g.int64s([0]), length, g.int64s([0])]);
  let x = g.node('Add', [g.node('Gather', [g.floats(w.normal(30522 * 768), [30522, 768]), ids], { axis: 0 }), positions]);
  x = t.layerNorm(x, 768);
  for (let layer = 0; layer < shape.layers; layer++) x = t.block(x, shape, null);
  g.node('Identity', [x], {}, 'last_hidden_state');
  g.output('last_hidden_state', FLOAT, ['batch', 'sequence', 768]);
  return g.toBytes('distilbert_random');
}
