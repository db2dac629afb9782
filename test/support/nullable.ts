import { ACTOR_KINDS, METRICS_OF, OPTIONAL_FIGURES, tendersLayout } from '../../src/io/layout.js';
import type { BatchDescription } from '../../src/io/layout.js';

/**
 * The fields of a run's records that may be null, read from the layouts that write them: the monthly
 * metrics marked nullable (a price or lead time with nothing to measure), a lab's optional tender
 * figures, and a tender's price and best rival bid. Every other number is always there, and finite.
 */
const NO_ACTORS = { variants: [], labs: [], providers: [], suppliers: [], chips: [], shocks: [], strategies: [], policies: { fields: [], values: [], notes: [] }, parameters: [], timeseriesKinds: [] } satisfies BatchDescription;

/** The names of the fields of a run's records that may be null. */
export const NULLABLE_FIELDS: ReadonlySet<string> = new Set([
  ...ACTOR_KINDS.flatMap((kind) => METRICS_OF[kind].filter((metric) => 'nullable' in metric && metric.nullable).map((metric) => metric.name)),
  ...OPTIONAL_FIGURES,
  ...tendersLayout(NO_ACTORS).filter((column) => column.nullable && column.type === 'float64').map((column) => column.name),
]);
