/** The runs of each change the explore page offers: two at least (an interval needs two), 100,000 at most (what a tab holds). */
export const PAGE_RUNS = { min: 2, max: 100_000 } as const;
