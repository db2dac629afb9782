import { Session } from 'node:inspector/promises';

/** Where time goes, by layer: self time from a V8 CPU profile, grouped by source folder. */
export interface TimeShares {
  /** Share of sampled time per group (kernel, market, scenario, gc, other), summing to 1. */
  shares: Record<string, number>;
  /** The functions with the most self time, as "share name (file)". */
  hottest: string[];
}

/** Profiles `work` with the V8 sampling profiler and attributes self time to the code's layers. */
export async function profileLayers(work: () => void): Promise<TimeShares> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  work();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const self = new Map<string, number>();
  const byGroup = new Map<string, number>();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const node = nodes.get(id)!;
    const dt = deltas[i] ?? 0;
    const { url, functionName } = node.callFrame;
    const group = layerOf(url, functionName);
    if (group === 'idle') return;
    total += dt;
    byGroup.set(group, (byGroup.get(group) ?? 0) + dt);
    const name = `${functionName || '(anonymous)'} (${url.split('/').slice(-2).join('/')})`;
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  const shares = Object.fromEntries([...byGroup].map(([group, dt]) => [group, dt / total]));
  const hottest = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, dt]) => `${((100 * dt) / total).toFixed(1)}% ${name}`);
  return { shares, hottest };
}

function layerOf(url: string, functionName: string): string {
  if (functionName === '(idle)' || functionName === '(program)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  // The market by mechanism: tenders, the monthly clearing (contracts and spot), supply and investment.
  if (url.includes('/src/market/')) {
    if (/\/(tender|auction)\.(js|ts)$/.test(url)) return 'market: tenders';
    if (/\/(clearing|spot)\.(js|ts)$/.test(url)) return 'market: clearing';
    if (/\/supply\.(js|ts)$/.test(url)) return 'market: supply';
    return 'market: other';
  }
  for (const layer of ['kernel', 'scenario', 'experiment', 'io']) if (url.includes(`/src/${layer}/`)) return layer;
  if (url.includes('fastpriorityqueue')) return 'kernel';
  if (url.includes('seedrandom')) return 'kernel';
  if (url.includes('mathjs')) return 'scenario';
  return 'other';
}
