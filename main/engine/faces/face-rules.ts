/**
 * The faces job's rules that the engine shares with its worker, in a module of their own: the
 * worker's module loads onnxruntime and face-api's graphs, which the main process must not
 * load just to read a constant.
 */

/** Pictures are looked at with this shorter side: SSD sees 512 px, descriptors come from 150-px crops. */
export const FACE_SHORT_SIDE = 1024;
/** A face the second detector does not see (overlap under this) is taken for a false one (a cat's face, a pattern). */
export const MIN_AGREEMENT = 0.2;
