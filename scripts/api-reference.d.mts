/** The types of api-reference.mjs's exports, for the test that imports it. */

/** One export of the library, found at its declaration. */
export interface LibraryExport {
  /** The name src/index.ts exports. */
  name: string;
  /** The module that declares it, relative to the repository (`src/kernel/simulation.ts`). */
  file: string;
  /** Its layer: its folder of src/, or '' for a module in no layer docs/api.md has a section of its own for. */
  layer: string;
  /** Its signature as the source writes it, starting with its kind (`function`, `class`, `const`, `interface`, `type`): a line per declaration (overloads, merged declarations). */
  signature: string[];
  /** The first sentence of its doc comment; '' when it has none. */
  doc: string;
}

/** Every export of the library, in src/index.ts's order; throws on a name it cannot find declared. */
export function libraryExports(root?: string): LibraryExport[];

/** The text of docs/api.md. */
export function apiReference(root?: string, entries?: LibraryExport[]): string;

/** The first sentence of a doc comment's text, tags left out. */
export function firstSentence(comment: string): string;
