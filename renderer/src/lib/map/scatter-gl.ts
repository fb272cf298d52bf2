/**
 * The map's points in WebGL: one buffer of positions and one of colours, drawn as round point
 * sprites in a single call, panned and zoomed by two uniforms, so 100,000 points cost the GPU
 * a frame's fraction and the page no work per point. Plain WebGL 1 rather than regl or deck.gl:
 * one shader pair and three buffers are all the map needs, and neither library would be
 * smaller than this file's use of them.
 */
export interface MapView {
  /** The map coordinate at the canvas's centre. */
  cx: number;
  cy: number;
  /** Canvas pixels (CSS) per map unit. */
  scale: number;
}

const VERTEX = `
attribute vec2 position;
attribute vec4 colour;
uniform vec2 centre;
uniform vec2 halfSize;
uniform float scale;
uniform float pointSize;
varying vec4 vColour;
void main() {
  vec2 p = (position - centre) * scale / halfSize;
  gl_Position = vec4(p.x, p.y, 0.0, 1.0);
  gl_PointSize = pointSize;
  vColour = colour;
}`;

const FRAGMENT = `
precision mediump float;
varying vec4 vColour;
void main() {
  vec2 d = gl_PointCoord - vec2(0.5);
  float r = dot(d, d);
  if (r > 0.25) discard;
  gl_FragColor = vec4(vColour.rgb, vColour.a * smoothstep(0.25, 0.16, r));
}`;

export class ScatterGl {
  private readonly gl: WebGLRenderingContext;
  private readonly program: WebGLProgram;
  private readonly positions: WebGLBuffer;
  private readonly colours: WebGLBuffer;
  private count = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext('webgl', { antialias: false, premultipliedAlpha: false });
    if (!gl) throw new Error('This browser cannot draw WebGL, which the map needs.');
    this.gl = gl;
    this.program = link(gl, VERTEX, FRAGMENT);
    this.positions = gl.createBuffer() as WebGLBuffer;
    this.colours = gl.createBuffer() as WebGLBuffer;
  }

  /** Positions as x, y pairs; colours as r, g, b, a bytes per point. */
  setPoints(positions: Float32Array, colours: Uint8Array): void {
    const { gl } = this;
    this.count = positions.length / 2;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.bufferData(gl.ARRAY_BUFFER, positions, gl.STATIC_DRAW);
    this.setColours(colours);
  }

  setColours(colours: Uint8Array): void {
    const { gl } = this;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colours);
    gl.bufferData(gl.ARRAY_BUFFER, colours, gl.DYNAMIC_DRAW);
  }

  /**
   * `limit`: draw only the first points (the caller uploads them in a random order, so the
   * first ones are an even sample of the map): what a frame affords while the map moves.
   */
  draw(view: MapView, pointSize: number, background: [number, number, number], limit = Infinity): void {
    const { gl, canvas, program } = this;
    const ratio = window.devicePixelRatio || 1;
    const [width, height] = [canvas.clientWidth, canvas.clientHeight];
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clearColor(background[0] / 255, background[1] / 255, background[2] / 255, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (this.count === 0) return;
    gl.useProgram(program);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    gl.uniform2f(gl.getUniformLocation(program, 'centre'), view.cx, view.cy);
    gl.uniform2f(gl.getUniformLocation(program, 'halfSize'), width / 2, height / 2);
    gl.uniform1f(gl.getUniformLocation(program, 'scale'), view.scale);
    gl.uniform1f(gl.getUniformLocation(program, 'pointSize'), pointSize * ratio);
    const position = gl.getAttribLocation(program, 'position');
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
    const colour = gl.getAttribLocation(program, 'colour');
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colours);
    gl.enableVertexAttribArray(colour);
    gl.vertexAttribPointer(colour, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    gl.drawArrays(gl.POINTS, 0, Math.min(this.count, limit));
  }

  /** Frees the GPU's buffers (the view is closing). */
  dispose(): void {
    const { gl } = this;
    gl.deleteBuffer(this.positions);
    gl.deleteBuffer(this.colours);
    gl.deleteProgram(this.program);
  }
}

function link(gl: WebGLRenderingContext, vertex: string, fragment: string): WebGLProgram {
  const compile = (type: number, source: string): WebGLShader => {
    const shader = gl.createShader(type) as WebGLShader;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`The map's shader did not compile: ${gl.getShaderInfoLog(shader) ?? ''}`);
    return shader;
  };
  const program = gl.createProgram() as WebGLProgram;
  gl.attachShader(program, compile(gl.VERTEX_SHADER, vertex));
  gl.attachShader(program, compile(gl.FRAGMENT_SHADER, fragment));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`The map's shaders did not link: ${gl.getProgramInfoLog(program) ?? ''}`);
  return program;
}
