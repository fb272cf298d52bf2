// The slice of the WebAssembly JS API the search kernel uses. Node has had it forever, but
// @types/node 20 does not declare it and the DOM lib does not belong in Node code.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
