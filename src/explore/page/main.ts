import { tableToIPC } from 'apache-arrow';
import { summariseBatch } from '../../experiment/summary.js';
import type { BatchSummary } from '../../experiment/summary.js';
import { ArrowTable } from '../../io/arrow.js';
import { runsLayout } from '../../io/layout.js';
import type { LoadedScenario } from '../../scenario/load.js';
import type { Problem } from '../../scenario/problems.js';
import { formatProblem } from '../../scenario/problems.js';
import { controlsOf, timelineOverride, timelineSwitches } from '../controls.js';
import { exportYaml } from '../export.js';
import { PAGE_RUNS } from '../limits.js';
import type { Edits, ExploreSettings, ScenarioFiles } from '../scenario.js';
import { tryLoad } from '../scenario.js';
import type { Batch } from './explorer.js';
import { Pool } from './explorer.js';
import { fanChart } from './charts.js';
import type { ChartSpec, FanSeries } from './charts.js';
import { controlsView } from './controls-view.js';
import type { ControlsView } from './controls-view.js';
import { byId, download, el } from './dom.js';
import { percentileRun, pickText, runDetails } from './drill-view.js';
import { editorView } from './editor-view.js';
import type { EditorView } from './editor-view.js';
import { metricsTable, shownMetrics } from './metrics-view.js';
import { workerCount } from './workers.js';

/**
 * The explore page: the scenario's controls on the left, the runs' fan charts, key metrics and
 * drill-down on the right. Every change loads the edited scenario here (for its problems, shown beside
 * the control or line that caused them) and, when it is valid, starts a new batch on the workers.
 * The page's state is in `body`'s data attributes (state, generation, runs done) for tests.
 */

/** What `computerace explore` embeds in the page. */
interface PageConfig {
  /** The scenario file as given to the command. */
  source: string;
  files: ScenarioFiles;
  seed: string;
  runs: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** The least time between two drawings as runs arrive; more when a drawing takes long (see scheduleRender). */
const RENDER_EVERY_MS = 500;
/**
 * Drawing may take at most this share of the page's thread while runs arrive: the workers share its
 * cores, with V8's compilers and the browser, and a worker kept waiting for a core is what the user waits for.
 */
const RENDER_SHARE = 0.05;

const config = JSON.parse(byId('explore-config').textContent ?? '{}') as PageConfig;
const query = new URLSearchParams(location.search);
/** Workers when boot.js has not started them (workers.ts). */
const workers = workerCount(query, navigator.hardwareConcurrency);

/** The page's edits and choices. */
const state = {
  texts: {} as Record<string, string>,
  /** Overrides by control path (`timeline` for the timeline's), in the order first made. */
  sets: new Map<string, string>(),
  timelineOff: new Set<number>(),
  seed: query.get('seed') ?? config.seed,
  runs: Number(query.get('runs')) || config.runs,
  compare: false,
  lab: '',
  /** The scenario of the files as edited, before overrides: what the controls show. */
  base: undefined as LoadedScenario | undefined,
  /** The scenario the runs run: files as edited, with the overrides. */
  edited: undefined as LoadedScenario | undefined,
  batch: undefined as Batch | undefined,
  summary: undefined as BatchSummary | undefined,
};

let controls: ControlsView | undefined;
let editor: EditorView | undefined;
let renderTimer: ReturnType<typeof setTimeout> | undefined;
let lastRender = 0;
/** How long the last drawing took, ms. */
let renderCost = 0;

const pool = new Pool(new URL('worker.js', location.href).href, workers, {
  progress(batch) {
    const first = state.batch !== batch;
    state.batch = batch;
    document.body.dataset.runsDone = String(batch.done);
    // Milliseconds from the change to the first runs taken and to the last, for tests and benchmarks.
    document.body.dataset.firstMs = String(Math.round(batch.firstMs ?? 0));
    if (batch.doneMs !== undefined) document.body.dataset.doneMs = String(Math.round(batch.doneMs));
    document.body.dataset.workMs = String(Math.round(batch.workMs));
    if (first) controls?.markUncertain(batch.description.parameters);
    if (batch.done >= batch.runs) setState('done');
    // The first runs of a change are drawn at once; then now and then (scheduleRender), and when all are done.
    scheduleRender(first || batch.done >= batch.runs);
  },
  problems(problems) {
    showProblems(problems);
  },
  failure(message) {
    setState('failed');
    byId('status').textContent = message;
  },
});

start();

function start(): void {
  document.title = `${config.files.main} · computerace explore`;
  byId('source').textContent = config.source;
  const files = Object.keys(config.files.texts);
  editor = editorView(files, (name) => state.texts[name] ?? config.files.texts[name] ?? '', (name, text) => {
    if (text === config.files.texts[name]) delete state.texts[name];
    else state.texts[name] = text;
    apply(true);
  });
  byId('editor').append(editor.element);
  const runs = byId<HTMLInputElement>('runs');
  const seed = byId<HTMLInputElement>('seed');
  const compare = byId<HTMLInputElement>('compare');
  runs.value = String(state.runs);
  seed.value = state.seed;
  runs.addEventListener('change', () => {
    const value = Math.floor(Number(runs.value));
    if (!(value >= PAGE_RUNS.min && value <= PAGE_RUNS.max)) {
      runs.value = String(state.runs);
      return;
    }
    state.runs = value;
    apply(false);
  });
  seed.addEventListener('change', () => {
    state.seed = seed.value.trim() || config.seed;
    seed.value = state.seed;
    apply(false);
  });
  compare.addEventListener('change', () => {
    state.compare = compare.checked;
    apply(false);
  });
  byId('lab').addEventListener('change', (event) => {
    state.lab = (event.target as HTMLSelectElement).value;
    scheduleRender(true);
  });
  byId('reset').addEventListener('click', () => {
    state.sets.clear();
    state.timelineOff.clear();
    state.texts = {};
    apply(true);
  });
  byId('export-yaml').addEventListener('click', exportScenario);
  byId('export-arrow').addEventListener('click', exportRuns);
  byId('drill-show').addEventListener('click', () => void drill());
  // The workers start on the file as loaded at once; this thread loads it meanwhile, for the controls.
  startRuns({ files: config.files, edits: { texts: {}, sets: [] }, seed: state.seed, compare: state.compare });
  apply(true);
}

/** What the running batch runs, so that a change that changes nothing (a control set back, say) starts nothing. */
let running = '';

/** Runs these settings on the workers, unless they are what runs already. */
function startRuns(settings: ExploreSettings): void {
  const key = JSON.stringify({ edits: settings.edits, seed: settings.seed, compare: settings.compare, runs: state.runs });
  if (key === running && document.body.dataset.state !== 'failed') return;
  running = key;
  state.batch = undefined;
  state.summary = undefined;
  const generation = pool.start(settings, state.runs);
  document.body.dataset.generation = String(generation);
  document.body.dataset.runsDone = '0';
  document.body.dataset.changes = String(settings.edits.sets.length + Object.keys(settings.edits.texts).length);
  setState('running');
  byId('drill-result').replaceChildren();
}

/** Loads the scenario as edited and, when it is valid, runs it; with `rebuild`, draws the controls anew (the files' text changed). */
function apply(rebuild: boolean): void {
  const files = config.files;
  if (rebuild || !state.base) {
    const base = tryLoad(files, { texts: state.texts, sets: [] });
    if ('problems' in base) {
      showProblems(base.problems);
      return;
    }
    state.base = base.loaded;
    drawControls(base.loaded);
  }
  const timeline = timelineOverride(state.base, state.timelineOff);
  if (timeline) state.sets.set('timeline', timeline);
  else state.sets.delete('timeline');
  const edits: Edits = { texts: { ...state.texts }, sets: [...state.sets.values()] };
  // Without overrides the scenario is the base just loaded.
  const loaded = edits.sets.length === 0 ? { loaded: state.base } : tryLoad(files, edits);
  if ('problems' in loaded) {
    showProblems(loaded.problems);
    return;
  }
  clearProblems(loaded.loaded.warnings);
  state.edited = loaded.loaded;
  if (document.body.dataset.state === 'invalid') {
    // Back to a valid scenario: the runs of these settings may be the ones shown already.
    setState(state.batch && state.batch.done >= state.batch.runs ? 'done' : 'running');
    scheduleRender(true);
  }
  startRuns({ files, edits, seed: state.seed, compare: state.compare });
}

function drawControls(base: LoadedScenario): void {
  // The uncertain parameters are marked when the workers have listed them (the batch's `parameters`).
  const groups = controlsOf(base);
  const current = new Map<string, unknown>();
  for (const [path, text] of state.sets) if (path !== 'timeline') current.set(path, parseValue(text.slice(path.length + 1)));
  controls = controlsView(groups, timelineSwitches(base), state.timelineOff, current, {
    change(path, override) {
      if (override === undefined) state.sets.delete(path);
      else state.sets.set(path, override);
      apply(false);
    },
    timeline(index, on) {
      if (on) state.timelineOff.delete(index);
      else state.timelineOff.add(index);
      apply(false);
    },
  });
  byId('controls').replaceChildren(controls.element);
  const lab = byId<HTMLSelectElement>('lab');
  const labs = base.spec.labs.map((candidate) => candidate.id);
  if (!labs.includes(state.lab)) state.lab = labs[0]!;
  lab.replaceChildren(...labs.map((id) => el('option', { value: id, selected: id === state.lab }, id)));
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Shows each problem beside what caused it: a control (a `--set`, line N for the Nth), or a line of a file. */
function showProblems(problems: readonly Problem[]): void {
  clearProblems();
  setState('invalid');
  const keys = [...state.sets.keys()];
  const elsewhere: string[] = [];
  for (const problem of problems) {
    if (problem.file === '--set') {
      const path = keys[problem.line - 1];
      if (path !== undefined && controls?.problem(path, `${problem.path}: ${problem.message}`)) continue;
    }
    if (editor && problem.file !== '--set' && Object.hasOwn(config.files.texts, problem.file)) continue;
    elsewhere.push(formatProblem(problem));
  }
  editor?.problems(problems);
  byId('status').textContent = `The scenario as edited has ${problems.length} problem${problems.length === 1 ? '' : 's'}, shown beside ${problems.length === 1 ? 'its cause' : 'their causes'}; the charts show the last valid runs.${elsewhere.length > 0 ? ` ${elsewhere.join('; ')}` : ''}`;
}

/** No problem left; the warnings of the scenario as loaded (allowed, so it runs) beside their lines. */
function clearProblems(warnings: readonly Problem[] = []): void {
  controls?.clearProblems();
  editor?.problems([], warnings);
}

function setState(value: 'running' | 'done' | 'invalid' | 'failed'): void {
  document.body.dataset.state = value;
  if (value === 'running') byId('status').textContent = `starting ${pool.size} worker${pool.size === 1 ? '' : 's'}…`;
}

function scheduleRender(now: boolean): void {
  if (renderTimer !== undefined) {
    if (!now) return;
    clearTimeout(renderTimer);
  }
  const every = Math.max(RENDER_EVERY_MS, renderCost / RENDER_SHARE);
  const wait = now ? 0 : Math.max(0, every - (performance.now() - lastRender));
  renderTimer = setTimeout(() => {
    renderTimer = undefined;
    const started = performance.now();
    render();
    renderCost = performance.now() - started;
  }, wait);
}

/** Draws the charts, the table and the status from the runs so far. */
function render(): void {
  const batch = state.batch;
  if (!batch || batch.done === 0) return;
  lastRender = performance.now();
  const lab = state.lab;
  const summary = summariseBatch(batch.description, batch.metrics);
  state.summary = summary;
  const compare = batch.description.variants.length > 1;
  const shown = batch.stores[batch.stores.length - 1]!;
  const loaded = compare ? batch.stores[0] : undefined;
  const { layout } = batch;
  const fan = (offset: number, per?: number): Pick<FanSeries, 'fan' | 'compare'> => ({ fan: shown.fan(offset, per), ...(loaded ? { compare: loaded.fan(offset, per) } : {}) });
  const providers = batch.description.providers;
  const charts: ChartSpec[] = [
    {
      name: 'secured',
      title: `Compute ${lab} secured against its demand`,
      unit: 'H100e',
      dates: batch.dates,
      series: [{ label: 'secured (contracts + spot)', colour: PALETTE[0]!, outer: true, ...fan(layout.lab(lab, 'securedH100e')) }],
      line: { label: 'demand, median', colour: '#222', values: shown.fan(layout.lab(lab, 'demandH100e')).bands[2]! },
    },
    {
      name: 'shortfall',
      title: `Shortfall of ${lab}`,
      unit: 'share of its demand',
      share: true,
      dates: batch.dates,
      series: [{ label: 'shortfall / demand', colour: PALETTE[3]!, outer: true, ...fan(layout.lab(lab, 'shortfallH100e'), layout.lab(lab, 'demandH100e')) }],
    },
    {
      name: 'prices',
      title: 'Prices',
      unit: 'USD per H100e-hour',
      dates: batch.dates,
      series: [
        { label: 'spot', colour: PALETTE[1]!, outer: true, ...fan(layout.market('spotPriceUsdPerGpuHour')) },
        { label: 'contracts in force', colour: PALETTE[4]!, outer: true, ...fan(layout.market('contractPriceUsdPerGpuHour')) },
      ],
    },
    {
      name: 'lab-shares',
      title: `Providers' shares of ${lab}'s compute`,
      unit: 'share',
      share: true,
      dates: batch.dates,
      // Only the providers the lab buys from in some runs: the others' shares are 0 throughout.
      series: providers.map((provider, i) => ({ label: provider, colour: PALETTE[i % PALETTE.length]!, outer: false, ...fan(layout.labShare(lab, provider)) })).filter((series) => series.fan.bands[4]!.some((value) => value > 0)),
    },
    {
      name: 'market-shares',
      title: 'Providers\' shares of the market',
      unit: 'share of compute sold to labs',
      share: true,
      dates: batch.dates,
      series: providers.map((provider, i) => ({ label: provider, colour: PALETTE[i % PALETTE.length]!, outer: false, ...fan(layout.marketShare(provider)) })),
    },
  ];
  const chartsElement = byId('charts');
  chartsElement.replaceChildren(...charts.map(fanChart));
  chartsElement.dataset.generation = String(batch.generation);
  byId('metrics').replaceChildren(metricsTable(batch.description, summary, lab));
  drawDrillChoices(batch);
  const seconds = (ms: number | undefined): string => (ms === undefined ? '…' : `${(ms / 1000).toFixed(1)} s`);
  byId('status').textContent =
    `${batch.done} of ${batch.runs} runs${compare ? ' of each side' : ''} · seed ${batch.settings.seed} · ${pool.size} worker${pool.size === 1 ? '' : 's'} · first runs after ${seconds(batch.firstMs)}` +
    (batch.doneMs !== undefined ? ` · all in ${seconds(batch.doneMs)}` : '');
  document.body.dataset.rendered = String(batch.done);
}

function drawDrillChoices(batch: Batch): void {
  const metric = byId<HTMLSelectElement>('drill-metric');
  const names = shownMetrics(batch.description, state.lab);
  const chosen = names.includes(metric.value) ? metric.value : `labs.${state.lab}.shortfallShare`;
  if (metric.options.length !== names.length || metric.options[0]?.value !== names[0]) metric.replaceChildren(...names.map((name) => el('option', { value: name, selected: name === chosen }, name)));
  const variant = byId<HTMLSelectElement>('drill-variant');
  const variants = batch.description.variants;
  if (variant.options.length !== variants.length) variant.replaceChildren(...variants.map((name, v) => el('option', { value: String(v), selected: v === variants.length - 1 }, name)));
}

/** Shows the run at the chosen percentile of the chosen metric. */
async function drill(): Promise<void> {
  const batch = state.batch;
  if (!batch || batch.done === 0) return;
  const metric = byId<HTMLSelectElement>('drill-metric').value;
  const percent = Number(byId<HTMLSelectElement>('drill-percentile').value);
  const variant = Number(byId<HTMLSelectElement>('drill-variant').value) || 0;
  const out = byId('drill-result');
  const pick = percentileRun(batch.metrics.of(variant, metric), percent);
  if (!pick) {
    out.replaceChildren(el('p', {}, `no run has ${metric}`));
    return;
  }
  out.replaceChildren(el('p', {}, `${pickText(metric, percent, pick)} · running it again…`));
  const results = await pool.run(pick.runIndex);
  if (state.batch !== batch) return;
  const result = results[variant]!;
  const exportName = exportFileName();
  out.replaceChildren(
    el('p', { class: 'pick', 'data-run': pick.runIndex }, pickText(metric, percent, pick), ' (', batch.description.variants[variant]!, ')'),
    el('p', { class: 'hint' }, 'Reproduce it: ', el('code', {}, `computerace run ${exportName} --seed ${batch.settings.seed} --only-run ${pick.runIndex}`), ' with the exported scenario.'),
    runDetails(result, state.edited!.spec.start, state.lab),
  );
  document.body.dataset.drilled = String(pick.runIndex);
}

function exportFileName(): string {
  return `${state.edited?.spec.name ?? 'scenario'}-explored.yaml`;
}

/** Downloads the scenario as edited, as YAML that `computerace validate` accepts and `computerace run` reproduces. */
function exportScenario(): void {
  if (!state.edited || document.body.dataset.state === 'invalid') return;
  const fileName = exportFileName();
  const text = exportYaml(state.edited, {
    source: config.source,
    sets: [...state.sets.values()],
    editedFiles: Object.keys(state.texts),
    seed: state.seed,
    runs: state.runs,
    fileName,
  });
  download(fileName, text, 'application/yaml');
}

/** Downloads the runs table of the runs so far as an Arrow IPC file, the columns of `computerace run`'s runs.arrow. */
function exportRuns(): void {
  const batch = state.batch;
  if (!batch || batch.done === 0) return;
  const metadata = {
    computerace: JSON.stringify({ scenarioName: state.edited?.spec.name, scenarioHash: state.edited?.hash, seed: batch.settings.seed, runs: batch.done, variants: batch.description.variants, exportedBy: 'computerace explore' }),
  };
  const table = new ArrowTable(runsLayout(batch.description), metadata).table(batch.blocks);
  download(`${state.edited?.spec.name ?? 'scenario'}-runs.arrow`, tableToIPC(table, 'file') as BlobPart, 'application/vnd.apache.arrow.file');
}
