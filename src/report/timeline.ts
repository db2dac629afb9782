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
  // Each marker with the change it marks, by date, kind and change.
  const byKey = new Map<string, { marker: Marker; change: string }>();
  variants.forEach((variant, v) => {
    const overrides = v === 0 ? {} : (base.variants?.[variant] ?? {});
    const timeline = ('timeline' in overrides ? overrides.timeline : base.timeline) as TimelineEntry[] | undefined;
    const shocks = ('shocks' in overrides ? overrides.shocks : base.shocks) as ShockEntry[] | undefined;
    // A timeline entry is known by what it sets, not by its note: the same change noted in other words
    // by a variant is one marker (in the first variant's words). A shock is known by its id and target.
    const found: (Omit<Marker, 'variants'> & { change: string })[] = [
      ...(Array.isArray(timeline) ? timeline : []).flatMap((entry) =>
        typeof entry?.date === 'string' ? [{ date: entry.date, kind: 'timeline' as const, text: timelineText(entry), change: setText(entry) }] : [],
      ),
      ...(Array.isArray(shocks) ? shocks : []).flatMap((shock) => {
        const text = shockText(shock);
        return typeof shock?.arrival?.date === 'string' ? [{ date: shock.arrival.date, kind: 'shock' as const, text, change: text }] : [];
      }),
    ];
    for (const { change, ...marker } of found) {
      const key = `${marker.date}\u0000${marker.kind}\u0000${change}`;
      const known = byKey.get(key)?.marker;
      if (known) {
        if (!known.variants.includes(variant)) known.variants.push(variant);
      } else byKey.set(key, { marker: { ...marker, variants: [variant] }, change });
    }
  });
  // Two changes of a date noted alike are told apart by what they set.
  const worded = (marker: Marker): string => `${marker.date}\u0000${marker.kind}\u0000${marker.text}`;
  const alike = new Map<string, number>();
  for (const { marker } of byKey.values()) alike.set(worded(marker), (alike.get(worded(marker)) ?? 0) + 1);
  for (const { marker, change } of byKey.values()) if (alike.get(worded(marker))! > 1) marker.text = `${marker.text} (${change})`;
  return [...byKey.values()].map(({ marker }) => marker).sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind) || a.text.localeCompare(b.text));
}

function timelineText(entry: TimelineEntry): string {
  return typeof entry.note === 'string' && entry.note.trim() !== '' ? entry.note.trim() : setText(entry);
}

function setText(entry: TimelineEntry): string {
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
