/** computerace: a discrete-event simulation engine for the AI compute arms race. */

export { Simulation } from './kernel/simulation.js';
export type { Handle, RunOptions, ScheduleOptions, SimulationOptions, TraceRecord, Tracer } from './kernel/simulation.js';
export { LOWEST, NORMAL, URGENT } from './kernel/priority.js';
export { AllOf, AnyOf, Condition, Interrupt, Process, SimEvent, Timeout } from './kernel/events.js';
export type { EventCallback, EventOptions, ProcessGenerator } from './kernel/events.js';
export { BaseResource, Container, ContainerEvent, Request, Resource, Store, StoreGet, StorePut } from './kernel/resources.js';
export type { ContainerOptions, RequestOptions } from './kernel/resources.js';
export { Tally, TimeWeighted } from './kernel/stats.js';
export type { Clock, TallySummary, TimeWeightedSummary } from './kernel/stats.js';
export { RandomStreams, deriveStreamSeed } from './kernel/random.js';
export type { Rng } from './kernel/random.js';
export {
  bernoulli,
  beta,
  empirical,
  exponential,
  gamma,
  lognormal,
  lognormalFromMeanSd,
  makeEmpirical,
  normal,
  pert,
  poisson,
  triangular,
  uniform,
  weibull,
  sample,
  theoreticalMean,
  theoreticalVariance,
} from './kernel/distributions/checked.js';
export type { Distribution } from './kernel/distributions/data.js';
export { validateDistribution } from './kernel/distributions/validation.js';
export { mm1 } from './examples/mm1.js';
export type { MM1Result } from './examples/mm1.js';

// The compute market and its scenario files.
export { Scenario, scenarioJsonSchema } from './scenario/schema.js';
export type { ScenarioSpec, UncertainSpec, PricingSpec } from './scenario/schema.js';
export { loadScenario, resolveOverridePath } from './scenario/load.js';
export type { ResolvedSetPath } from './scenario/paths.js';
export type { LoadedScenario, LoadOptions, ScenarioVariant } from './scenario/load.js';
export { canonicalJson, scenarioHash } from './scenario/hash.js';
export { MAX_PRINTED_PROBLEMS, ScenarioError, formatProblem } from './scenario/problems.js';
export { MAX_SCENARIO_FILE_BYTES, SCENARIO_EXTENSIONS } from './scenario/read.js';
export type { Problem } from './scenario/problems.js';
export { compileExpression } from './scenario/expressions/compile.js';
export { ExpressionError } from './scenario/expressions/language.js';
export type { CompiledExpression, FormulaRange } from './scenario/expressions/evaluator.js';
export { compileScenario } from './scenario/compile.js';
export type { CompiledScenario } from './scenario/compile.js';
export { CHANGEABLE_FIELDS } from './scenario/changeable.js';
export { runScenario } from './market/run.js';
export type { MonthlySeries, ScenarioRunOptions } from './market/run.js';
export { registerPolicy, lookupPolicy } from './market/policies.js';
export type {
  AllocationPolicy,
  BidView,
  OrderingContext,
  OrderingPolicy,
  OrderView,
  PolicyKinds,
  PricingFactory,
  PricingPolicy,
  ProcurementPolicy,
  QuoteContext,
  TenderView,
} from './market/policies.js';
export { bidPrice, entryThreshold } from './market/auction.js';
export type { AuctionTerms } from './market/auction.js';
export type {
  Bid,
  ChipMonth,
  DealEvent,
  LabMonth,
  LabSummary,
  MarketMonth,
  NotableEvent,
  PolicyEvent,
  ProviderMonth,
  RunAudit,
  RunResult,
  RunSummary,
  ShockEvent,
  SupplierMonth,
  TenderRecord,
} from './market/results.js';

// Monte Carlo batches and their outputs.
export { runBatch, DEFAULT_BLOCK_SIZE } from './experiment/batch.js';
export type { BatchOptions, BatchOutcome, BatchProgress } from './experiment/batch.js';
export { BatchOptionsError, DESIGN_KINDS } from './experiment/limits.js';
export type { BatchOptionsProblem, DesignKind, FixedRunsOption } from './experiment/limits.js';
export { BatchInterrupted } from './experiment/interruption.js';
export type { BatchSummary, Convergence, LabRisk, MetricSummary, Probability } from './experiment/summary.js';
export { RunFailure, WorkerOutOfMemory } from './experiment/failure.js';
export { stopPretenuring } from './experiment/pretenuring.js';
export { keyMetrics } from './experiment/metrics.js';
export { mergeShards, ShardMismatch } from './experiment/merge.js';
export { parseShard, shardRange } from './experiment/shards.js';
export { describeSaltelliProblem, saltelliDesign, SaltelliDesignError, sobolIndices } from './experiment/sobol.js';
export type { Interval, SaltelliDesign, SaltelliDesignProblem, SaltelliRow, SaltelliWords, SobolIndices, SobolIndicesOptions } from './experiment/sobol.js';
export type { Shard, ShardRange } from './experiment/shards.js';
export { batchTables, TABLE_NAMES, TABLE_OF_KIND, TIMESERIES_MODES } from './io/layout.js';
export type { ActorKind, BatchDescription, TableName, TableRows, TimeseriesMode } from './io/layout.js';
/** A finished batch's tables as CSV files (`computerace export --csv`). */
export { exportCsv } from './io/export.js';
export type { CsvFile } from './io/export.js';
export type { FileRecord, Manifest, Provenance } from './io/outputs.js';
export { OutputError, WriteFailure } from './io/errors.js';
export { ArrowFileError } from './io/arrow.js';
export { readManifest, verifyBatchFiles } from './io/manifest.js';
export type { FileDigest } from './io/manifest.js';
export { partialRankCorrelation, rankRegression, rankTransform } from './experiment/sensitivity.js';
export type { RankRegression, RankRegressionOptions } from './experiment/sensitivity.js';

// Back-tests: the observed figures a scenario declares as `targets`, against its runs.
/** The schema of a scenario's `targets`, and the types of a target and its metric as written. */
export { Targets } from './scenario/targets.js';
export type { MetricSpec, TargetSpec } from './scenario/targets.js';
/** Evaluate targets over runs' records, read one run's metric, or load, run and evaluate a scenario file. */
export { BacktestError, evaluateTargets, metricValue, runBacktest } from './experiment/backtest.js';
/** A back-test's options and outcome, one target's evaluation, and the monthly records a target reads. */
export type { BacktestOptions, BacktestOutcome, TargetEvaluation, TargetRecords } from './experiment/backtest.js';

// Reports.
export { writeReport } from './report/report.js';
export type { ReportOptions, ReportOutcome } from './report/report.js';
export { ReportError } from './report/results.js';
/** Finished batches compared with the first (`computerace compare`), in the terminal's figures or as a page. */
export { compareBatches, writeComparisonReport } from './report/compare.js';
export type { Arm, ComparedFigure, ComparedRow, Comparison } from './report/compare.js';
export type { Unit } from './io/vocabulary.js';
export { ENGINE_BUILD, ENGINE_VERSION } from './version.js';
