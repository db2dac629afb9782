/**
 * The dates a time chart marks: the scenario's timeline entries (policy changes) and its dated
 * shocks, read from the resolved scenario the manifest keeps. A variant that replaces the timeline
 * or the shocks has its own; an entry every variant shares is one marker naming them all.
 */

/** A dated change the time charts draw as a vertical rule. */
export interface Marker {
  /** YYYY-MM-DD. */
  date: string;
  kind: 'timeline' | 'shock';
  /** What happened: the entry's note (else the fields it sets), or the shock's id and target. */
  text: string;
  /** The variants it belongs to, in the batch's order. */
  variants: string[];
}

interface TimelineEntry {
  date?: unknown;
  set?: Record<string, unknown>;
  note?: unknown;
}

interface ShockEntry {
  id?: unknown;
  kind?: unknown;
  target?: Record<string, unknown>;
  arrival?: { date?: unknown };
  magnitude?: unknown;
}

/** The markers of a resolved scenario for the batch's variants (the first is the baseline), by date. */
export function markers(scenario: unknown, variants: readonly string[]): Marker[] {
  const base = (scenario ?? {}) as { timeline?: unknown; shocks?: unknown; variants?: Record<string, Record<string, unknown>> };
  const byKey = new Map<string, Marker>();
  variants.forEach((variant, v) => {
    const overrides = v === 0 ? {} : (base.variants?.[variant] ?? {});
    const timeline = ('timeline' in overrides ? overrides.timeline : base.timeline) as TimelineEntry[] | undefined;
    const shocks = ('shocks' in overrides ? overrides.shocks : base.shocks) as ShockEntry[] | undefined;
    const found: Omit<Marker, 'variants'>[] = [
      ...(Array.isArray(timeline) ? timeline : []).flatMap((entry) => (typeof entry?.date === 'string' ? [{ date: entry.date, kind: 'timeline' as const, text: timelineText(entry) }] : [])),
      ...(Array.isArray(shocks) ? shocks : []).flatMap((shock) => (typeof shock?.arrival?.date === 'string' ? [{ date: shock.arrival.date, kind: 'shock' as const, text: shockText(shock) }] : [])),
    ];
    for (const marker of found) {
      const key = `${marker.date}\u0000${marker.kind}\u0000${marker.text}`;
      const known = byKey.get(key);
      if (known) known.variants.push(variant);
      else byKey.set(key, { ...marker, variants: [variant] });
    }
  });
  return [...byKey.values()].sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind) || a.text.localeCompare(b.text));
}

function timelineText(entry: TimelineEntry): string {
  if (typeof entry.note === 'string' && entry.note.trim() !== '') return entry.note.trim();
  return Object.entries(entry.set ?? {}).map(([path, value]) => `${path} = ${JSON.stringify(value)}`).join('; ');
}

function shockText(shock: ShockEntry): string {
  const target = Object.entries(shock.target ?? {}).map(([kind, id]) => `${kind} ${String(id)}`).join(', ');
  const kind = typeof shock.kind === 'string' ? ` (${shock.kind})` : '';
  return `shock ${String(shock.id)}${kind}${target ? ` hits ${target}` : ''}`;
}

/** Which variants a marker belongs to, in words: empty when it belongs to all of them. */
export function variantsOf(marker: Marker, variants: readonly string[]): string {
  return marker.variants.length === variants.length ? '' : marker.variants.join(', ');
}
