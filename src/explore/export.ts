import { stringify } from 'yaml';
import type { LoadedScenario } from '../scenario/load.js';

/**
 * The edited scenario as a file: the scenario fully composed (`extends` resolved, the page's overrides
 * applied, the file's variants and targets kept), which loads to the same scenario, with the same
 * content hash, so `computerace run FILE --seed S --runs N` gives the page's numbers.
 */

/** What the exported file's header records: where it came from, what changed, and how to reproduce the page. */
export interface ExportNote {
  /** The scenario file the page explored. */
  source: string;
  /** The overrides the page applied, as `--set` writes them. */
  sets: readonly string[];
  /** Files whose text was edited on the page. */
  editedFiles: readonly string[];
  seed: string;
  runs: number;
  /** The name the file will be saved as, for the command in the header. */
  fileName: string;
}

/** The edited scenario as YAML, with a header of comments saying how it was made and how to reproduce the page's numbers. */
export function exportYaml(edited: LoadedScenario, note: ExportNote): string {
  const line = (text: string): string => `# ${text.replace(/[\r\n]+/g, ' ')}`;
  const header = [
    line(`Exported by \`computerace explore\` from ${note.source}: ${edited.spec.name}, with \`extends\` resolved and these changes applied:`),
    ...(note.sets.length === 0 && note.editedFiles.length === 0 ? [line('  (none)')] : []),
    ...note.editedFiles.map((file) => line(`  ${file} edited on the page`)),
    ...note.sets.map((set) => line(`  --set ${set}`)),
    line(`The page's numbers: computerace run ${note.fileName} --seed ${note.seed} --runs ${note.runs}`),
    line(`Content hash ${edited.hash}`),
  ];
  return `${header.join('\n')}\n${stringify(edited.resolved, { lineWidth: 0 })}`;
}
