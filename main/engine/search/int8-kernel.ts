import { INT8_DOT_WASM_BASE64 } from './int8-dot-wasm.js';

/** The compiled kernel, shared by every space; each space instantiates it with its own memory. */
let compiled: WebAssembly.Module | undefined;

export interface Int8Kernel {
  memory: WebAssembly.Memory;
  /** out[r] = Σ_j rows[r·stride + j] · query[j] for r < n (byte offsets into memory). */
  dots(rows: number, n: number, stride: number, query: number, out: number): void;
}

export function instantiateKernel(): Int8Kernel {
  compiled ??= new WebAssembly.Module(Buffer.from(INT8_DOT_WASM_BASE64, 'base64'));
  const instance = new WebAssembly.Instance(compiled, {});
  const exports = instance.exports as unknown as Int8Kernel;
  return { memory: exports.memory, dots: exports.dots };
}
