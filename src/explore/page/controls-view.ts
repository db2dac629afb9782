import type { Control, ControlGroup, NumberControl, TimelineSwitch } from '../controls.js';
import { overrideOf } from '../controls.js';
import { el } from './dom.js';
import { formatNumber } from './format.js';

/**
 * The controls panel: a row per control, grouped by actor, and the timeline's switches. A row shows
 * the value the page runs with, marks a changed one, and shows beside it the problem its override
 * causes. It reports changes as `--set` overrides; the page decides what to run.
 */

/** What the panel tells the page. */
export interface ControlEvents {
  /** The override for `path` (`path=value`), or undefined to go back to the file's value. */
  change(path: string, override: string | undefined): void;
  /** A timeline entry switched on or off. */
  timeline(index: number, on: boolean): void;
}

/** The rendered panel: its element, and ways to show values and problems. */
export interface ControlsView {
  element: HTMLElement;
  /** Shows `message` beside the control of `path` (undefined clears it); false when no control has that path. */
  problem(path: string, message: string | undefined): boolean;
  /** Clears every problem shown. */
  clearProblems(): void;
  /** Tags the controls of these paths (and their distributions' parameters) as uncertain parameters, sampled once per run. */
  markUncertain(paths: readonly string[]): void;
}

/** Builds the panel for these controls, showing `current` values (by path, from the page's overrides) where they differ from the file's. */
export function controlsView(groups: readonly ControlGroup[], timeline: readonly TimelineSwitch[], timelineOff: ReadonlySet<number>, current: ReadonlyMap<string, unknown>, events: ControlEvents): ControlsView {
  const rows = new Map<string, HTMLElement>();
  const element = el('div', { class: 'controls' });
  if (timeline.length > 0) {
    const list = el('div', { class: 'timeline' });
    for (const entry of timeline) {
      const box = el('input', { type: 'checkbox', checked: !timelineOff.has(entry.index), 'data-timeline': entry.index });
      box.addEventListener('change', () => events.timeline(entry.index, box.checked));
      list.append(el('label', { class: 'switch-row' }, box, el('span', { class: 'date' }, entry.date), el('span', {}, entry.label)));
    }
    const problem = el('div', { class: 'problem', hidden: true });
    rows.set('timeline', problem);
    element.append(el('details', { class: 'group', open: true }, el('summary', {}, `Timeline (${timeline.length} entries)`), list, problem));
  }
  groups.forEach((group, g) => {
    const body = el('div', { class: 'group-body' });
    for (const control of group.controls) {
      const row = controlRow(control, current.get(control.path), events);
      rows.set(control.path, row);
      body.append(row);
    }
    element.append(el('details', { class: 'group', open: g < 2 || undefined }, el('summary', {}, `${group.title} (${group.controls.length})`), body));
  });
  return {
    element,
    problem(path, message) {
      const row = rows.get(path);
      if (!row) return false;
      const box = row.classList.contains('problem') ? row : row.querySelector<HTMLElement>('.problem')!;
      box.textContent = message ?? '';
      box.hidden = message === undefined;
      if (message !== undefined) {
        row.closest('details')?.setAttribute('open', '');
        row.classList.add('invalid');
      } else {
        row.classList.remove('invalid');
      }
      return true;
    },
    markUncertain(paths) {
      const sampled = new Set(paths);
      for (const [path, row] of rows) {
        if (!row.classList.contains('control')) continue;
        const field = path.replace(/\.(lognormal|normal|uniform|triangular|pert)\.[^.]+$/, '');
        const uncertain = sampled.has(field);
        row.classList.toggle('uncertain', uncertain);
        row.querySelector('.tag.sampled')?.remove();
        if (uncertain) row.querySelector('label.name')?.append(el('span', { class: 'tag sampled', title: 'an uncertain parameter: sampled once per run' }, 'uncertain'));
      }
    },
    clearProblems() {
      for (const row of rows.values()) {
        const box = row.classList.contains('problem') ? row : row.querySelector<HTMLElement>('.problem')!;
        box.hidden = true;
        box.textContent = '';
        row.classList.remove('invalid');
      }
    },
  };
}

function controlRow(control: Control, edited: unknown, events: ControlEvents): HTMLElement {
  const value = edited ?? control.value;
  const row = el('div', { class: `control${edited !== undefined ? ' changed' : ''}`, 'data-path': control.path });
  const unit = control.unit ? el('span', { class: 'unit' }, control.unit) : undefined;
  const tags = [
    control.kind === 'number' && control.uncertain ? el('span', { class: 'tag sampled', title: 'an uncertain parameter: sampled once per run' }, 'uncertain') : undefined,
    control.kind === 'number' && control.distribution ? el('span', { class: 'tag', title: `a ${control.distribution} distribution` }, control.distribution) : undefined,
  ];
  const label = el('label', { class: 'name', title: `${control.path}${control.description ? `\n${control.description}` : ''}` }, control.label, ' ', unit, ...tags);
  const problem = el('div', { class: 'problem', hidden: true, role: 'alert' });
  const set = (next: number | string | boolean): void => {
    const same = next === control.value;
    row.classList.toggle('changed', !same);
    events.change(control.path, same ? undefined : overrideOf(control.path, next));
  };
  const reset = el('button', { type: 'button', class: 'reset', title: `back to the file's value (${String(control.value)})` }, '↺');
  let input: HTMLElement;
  switch (control.kind) {
    case 'number':
      input = numberInput(control, value as number, set);
      reset.addEventListener('click', () => {
        for (const box of input.querySelectorAll('input')) box.value = String(control.value);
        set(control.value);
      });
      break;
    case 'choice': {
      const select = el('select', { name: control.path }, ...control.options.map((option) => el('option', { value: option, selected: option === value }, option)));
      select.addEventListener('change', () => set(select.value));
      reset.addEventListener('click', () => {
        select.value = control.value;
        set(control.value);
      });
      input = select;
      break;
    }
    case 'switch': {
      const box = el('input', { type: 'checkbox', name: control.path, checked: value === true });
      box.addEventListener('change', () => set(box.checked));
      reset.addEventListener('click', () => {
        box.checked = control.value;
        set(control.value);
      });
      input = box;
      break;
    }
    case 'formula': {
      const text = el('input', { type: 'text', class: 'formula', name: control.path, value: String(value), spellcheck: false, title: `a formula over: ${control.variables.join(', ')}` });
      text.addEventListener('change', () => set(text.value));
      reset.addEventListener('click', () => {
        text.value = control.value;
        set(control.value);
      });
      input = text;
      break;
    }
  }
  row.append(label, el('div', { class: 'inputs' }, input, reset), problem);
  return row;
}

/** A slider over the control's working range and a box for any number; both apply when let go. */
function numberInput(control: NumberControl, value: number, set: (value: number) => void): HTMLElement {
  const { min, max, step } = control.slider;
  // The slider reaches a value the file has outside its working range too.
  const slider = el('input', { type: 'range', min: Math.min(min, value), max: Math.max(max, value), step: 'any', value, 'aria-label': control.path });
  const box = el('input', { type: 'number', step: 'any', value, name: control.path, title: rangeText(control) });
  slider.addEventListener('input', () => (box.value = String(snap(Number(slider.value), step))));
  slider.addEventListener('change', () => {
    const next = snap(Number(slider.value), step);
    box.value = String(next);
    set(next);
  });
  box.addEventListener('change', () => {
    // An empty or malformed box is left to the scenario's checks, which say what the field expects.
    const next = box.value.trim() === '' ? NaN : Number(box.value);
    if (Number.isFinite(next)) slider.value = String(next);
    set(Number.isFinite(next) ? next : Number.NaN);
  });
  return el('span', { class: 'number' }, slider, box);
}

/** The accepted range, for the box's tooltip: `> 0`, `[0, 1]`, any number. */
function rangeText(control: NumberControl): string {
  const { min, max } = control;
  if (min && max) return `${min.inclusive ? '[' : '('}${formatNumber(min.value)}, ${formatNumber(max.value)}${max.inclusive ? ']' : ')'}`;
  if (min) return `${min.inclusive ? '≥' : '>'} ${formatNumber(min.value)}`;
  if (max) return `${max.inclusive ? '≤' : '<'} ${formatNumber(max.value)}`;
  return 'any number';
}

/** `value` rounded to the slider's step (3 significant digits of it), so a dragged value reads cleanly. */
function snap(value: number, step: number): number {
  return Number((Math.round(value / step) * step).toPrecision(12));
}
