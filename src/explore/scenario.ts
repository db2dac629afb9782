import type { ReplicationPlan } from '../experiment/replicate.js';
import { loadScenario } from '../scenario/load.js';
import type { LoadedScenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/problems.js';
import type { Problem } from '../scenario/problems.js';

/**
 * The scenario of the explore page: its files as text (the page has no disk), the page's edits on top,
 * and the replication plan that runs it. The page and its workers load it the same way, through the
 * engine's own loadScenario with a `readFile` over the texts, so problems are found and located as
 * `computerace validate` locates them.
 */

/** A scenario file and the files it extends, as text. */
export interface ScenarioFiles {
  /** The name loadScenario is given; the files it extends are named relative to it, as on disk. */
  main: string;
  /** Each file's text, by the name loadScenario asks for. */
  texts: Record<string, string>;
}

/** What the page changes: texts of files as edited (by name), then overrides as `--set` writes them (`path=value`), in order. */
export interface Edits {
  texts: Record<string, string>;
  sets: string[];
}

/** The settings a run of the page needs: plain data, so it crosses to the workers. */
export interface ExploreSettings {
  files: ScenarioFiles;
  edits: Edits;
  seed: string;
  /** Run the file as loaded beside the edited scenario, on the same run indices. */
  compare: boolean;
}

/** The name of the file as loaded, in a comparison. */
export const AS_LOADED = 'as-loaded';
/** The name of the edited scenario, in a comparison; alone it is `baseline`, as `computerace run` names it. */
export const EDITED = 'edited';

/** No edits: the files as loaded. */
export const NO_EDITS: Edits = { texts: {}, sets: [] };

/** loadScenario's `readFile` over `texts` (edited texts first): a name it does not hold is missing, as on disk. */
export function readerOf(files: ScenarioFiles, edits: Edits = NO_EDITS): (name: string) => string {
  return (name) => {
    if (Object.hasOwn(edits.texts, name)) return edits.texts[name]!;
    if (Object.hasOwn(files.texts, name)) return files.texts[name]!;
    throw Object.assign(new Error(`no such file: ${name}`), { code: 'ENOENT' });
  };
}

/** The scenario with the edits, loaded and checked (throws its ScenarioError). */
export function loadEdited(files: ScenarioFiles, edits: Edits = NO_EDITS): LoadedScenario {
  return loadScenario(files.main, { readFile: readerOf(files, edits), set: edits.sets });
}

/** The scenario with the edits, or every problem it has, each located in a file or at its `--set` (line N for the Nth). */
export function tryLoad(files: ScenarioFiles, edits: Edits = NO_EDITS): { loaded: LoadedScenario } | { problems: Problem[] } {
  try {
    return { loaded: loadEdited(files, edits) };
  } catch (error) {
    if (error instanceof ScenarioError) return { problems: error.problems };
    throw error;
  }
}

/**
 * The page's replication plan: the edited scenario alone, as `computerace run` runs it (the file's own
 * `variants` are not run: the page explores its baseline), or to compare, the file as loaded and then
 * the edited scenario, whose paired differences are edited minus as loaded. Throws a ScenarioError.
 */
export function explorePlan(settings: ExploreSettings): { plan: ReplicationPlan; edited: LoadedScenario } {
  const edited = loadEdited(settings.files, settings.edits);
  const variants = settings.compare
    ? [{ name: AS_LOADED, spec: loadEdited(settings.files).spec }, { name: EDITED, spec: edited.spec }]
    : [{ name: 'baseline', spec: edited.spec }];
  // The page keeps the runs table only: a run's tenders and events are run again for the drill-down.
  return { plan: { variants, seed: settings.seed, timeseries: 'none', scenarioHash: edited.hash, design: { kind: 'independent' }, tables: ['runs'] }, edited };
}
