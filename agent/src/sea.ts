import * as sea from 'node:sea';

/*
 * The packaged binary is a Node single executable application (scripts/package-agent.ts): the
 * bundled agent plus assets (the kernel worker's bundled source, the data index, tfjs wasm files
 * when they were installed at build time). From a source checkout there are no assets.
 */

export function isSea(): boolean {
  try {
    return sea.isSea();
  } catch {
    return false;
  }
}

/** An asset's text, or null when not packaged or not present. */
export function seaText(name: string): string | null {
  if (!isSea()) return null;
  try {
    return sea.getAsset(name, 'utf8');
  } catch {
    return null;
  }
}

/** An asset's bytes, or null when not packaged or not present. */
export function seaBytes(name: string): Uint8Array | null {
  if (!isSea()) return null;
  try {
    return new Uint8Array(sea.getAsset(name));
  } catch {
    return null;
  }
}
