import type { Problem } from '../../scenario/problems.js';
import { el } from './dom.js';

/**
 * The scenario's files as text, for edits no control covers: a text box per file with its line
 * numbers, each line with a problem marked in the gutter and the problem written under the box, as
 * `computerace validate` reports it (file:line:col: path: message). Applied with the button (or
 * Ctrl+Enter); the page loads the edited text as it would load the file.
 */

/** The text box's line height in pixels (explore.css sets 16px). */
const LINE_HEIGHT = 16;

/** The editor: its element, and a way to show the problems and warnings of the files. */
export interface EditorView {
  element: HTMLElement;
  /**
   * Shows these problems, and these warnings of a scenario that loads (those of files; others are
   * ignored), beside their lines; returns how many problems were shown.
   */
  problems(problems: readonly Problem[], warnings?: readonly Problem[]): number;
}

/** Builds the editor over the files (`texts` the current text of each, by name); `apply` gets a file's edited text. */
export function editorView(names: readonly string[], texts: (name: string) => string, apply: (name: string, text: string) => void): EditorView {
  let current = names[0]!;
  let shown: readonly Problem[] = [];
  let warned: readonly Problem[] = [];
  const select = el('select', { 'aria-label': 'file' }, ...names.map((name) => el('option', { value: name }, name)));
  const gutter = el('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const area = el('textarea', { class: 'source', spellcheck: false, wrap: 'off', 'aria-label': 'scenario file text' });
  const list = el('ul', { class: 'file-problems' });
  const button = el('button', { type: 'button' }, 'Apply the text');
  const drawGutter = (): void => {
    const lines = area.value.split('\n').length;
    const bad = new Set(shown.filter((problem) => problem.file === current).map((problem) => problem.line));
    const warnedAt = new Set(warned.filter((warning) => warning.file === current).map((warning) => warning.line));
    const mark = (line: number): { class?: string; title?: string } =>
      bad.has(line) ? { class: 'bad', title: 'a problem on this line (below)' } : warnedAt.has(line) ? { class: 'warned', title: 'a warning on this line (below)' } : {};
    gutter.replaceChildren(...Array.from({ length: lines }, (_, i) => el('span', mark(i + 1), `${i + 1}\n`)));
    gutter.scrollTop = area.scrollTop;
  };
  const load = (): void => {
    area.value = texts(current);
    drawGutter();
  };
  select.addEventListener('change', () => {
    current = select.value;
    load();
  });
  area.addEventListener('scroll', () => (gutter.scrollTop = area.scrollTop));
  // Text of many lines inserted at once (by an input method, a drop, execCommand or a test's fill)
  // fires an input event per line and per line break: drawn on each, the gutter rebuilt every line
  // number and forced a layout each time, and putting in a 436-line file took 11-15 s instead of 2.
  // Once a frame is as often as anyone can see it.
  let gutterFrame: number | undefined;
  area.addEventListener('input', () => {
    gutterFrame ??= requestAnimationFrame(() => {
      gutterFrame = undefined;
      drawGutter();
    });
  });
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) apply(current, area.value);
  });
  button.addEventListener('click', () => apply(current, area.value));
  load();
  const element = el('div', { class: 'editor' }, el('div', { class: 'editor-bar' }, select, button), el('div', { class: 'editor-box' }, gutter, area), list);
  return {
    element,
    problems(problems, warnings = []) {
      shown = problems.filter((problem) => names.includes(problem.file));
      warned = warnings.filter((warning) => names.includes(warning.file));
      list.replaceChildren(
        ...[...shown.map((problem) => ({ problem, warning: false })), ...warned.map((problem) => ({ problem, warning: true }))].map(({ problem, warning }) => {
          const where = el('a', { href: '#', 'data-line': problem.line }, `${problem.file}:${problem.line}:${problem.column}`);
          const item = warning ? el('li', { class: 'warning' }, where, `: ${problem.path}: warning: ${problem.message}`) : el('li', { role: 'alert' }, where, `: ${problem.path}: ${problem.message}`);
          where.addEventListener('click', (event) => {
            event.preventDefault();
            if (select.value !== problem.file) {
              select.value = problem.file;
              current = problem.file;
              load();
            }
            selectLine(area, problem.line);
          });
          return item;
        }),
      );
      drawGutter();
      if (shown.length > 0) {
        element.closest('details')?.setAttribute('open', '');
        // The first problem of the file shown, in view.
        const first = shown.find((problem) => problem.file === current);
        if (first) area.scrollTop = Math.max(0, (first.line - 5) * LINE_HEIGHT);
        gutter.scrollTop = area.scrollTop;
      }
      return shown.length;
    },
  };
}

/** Selects line `line` (1-based) of the text box and scrolls to it. */
function selectLine(area: HTMLTextAreaElement, line: number): void {
  const lines = area.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  area.scrollTop = Math.max(0, (line - 5) * LINE_HEIGHT);
}
