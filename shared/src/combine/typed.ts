/*
 * Typed arrays for pooled samples, optionally over a SharedArrayBuffer so that worker threads
 * bootstrapping one pool read the same memory instead of a copy each.
 */

function buffer(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

export const float64 = (n: number, shared: boolean): Float64Array => new Float64Array(buffer(8 * n, shared));
export const int32 = (n: number, shared: boolean): Int32Array => new Int32Array(buffer(4 * n, shared));
