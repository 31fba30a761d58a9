/*
 * What a named data set is to the grid: the file it lives in under data/, the data sets its
 * parser needs, and the parser. Kept apart from the list in datasets.ts so that families of data
 * sets (gamestate/) can define theirs without importing the list that includes them.
 */

export interface DatasetDef<T = unknown> {
  name: string;
  /** Path relative to data/, with forward slashes. */
  file: string;
  title: string;
  /** Other datasets the parser reads. */
  needs: string[];
  parse(bytes: Uint8Array, need: <U>(name: string) => U): T;
}
