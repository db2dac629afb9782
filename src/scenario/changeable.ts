/** The fields a scenario's timeline may change during a run: the policies and budgets actors act on. */

/** Changeable fields as `kind.*.field` patterns (`*` stands for an actor id or a parameter name). */
export const CHANGEABLE_FIELDS = [
  'labs.*.budgetUsdPerYear',
  'labs.*.revenueUsdPerYear',
  'labs.*.willingnessToPayUsdPerGpuHour',
  'labs.*.procurement.strategy',
  'labs.*.procurement.providers',
  'labs.*.procurement.incumbent',
  'labs.*.procurement.maxShare',
  'labs.*.procurement.priceCeilingUsdPerGpuHour',
  'labs.*.procurement.intervalDays',
  'labs.*.procurement.contractMonths',
  'labs.*.procurement.coverage',
  'labs.*.procurement.blockH100e',
  'labs.*.procurement.partialBlocks',
  'labs.*.procurement.deliveryDays',
  'labs.*.procurement.termPremium',
  'providers.*.pricing',
  'providers.*.pricing.*',
  'providers.*.targetUtilization',
  'providers.*.capexUsdPerYear',
  'providers.*.capexUsdPerMw',
  'providers.*.opexUsdPerGpuHour',
  'providers.*.powerBuildMwPerYear',
  'providers.*.powerLeadTimeDays',
  'providers.*.powerBuild',
  'providers.*.leasesOut',
  'suppliers.*.allocation',
  'suppliers.*.priority',
] as const;

/** Whether the timeline may change the field at `path` (written with actor ids) during a run. */
export function isChangeable(path: string): boolean {
  const parts = path.split('.');
  return CHANGEABLE_FIELDS.some((pattern) => {
    const p = pattern.split('.');
    return p.length === parts.length && p.every((segment, i) => segment === '*' || segment === parts[i]);
  });
}

/** Why a path cannot change: the fields of its actor kind that can, for the error message. */
export function changeableFieldsOf(kind: string): string[] {
  return CHANGEABLE_FIELDS.filter((pattern) => pattern.startsWith(`${kind}.`)).map((pattern) => pattern.split('.').slice(2).join('.'));
}
