/**
 * The few POSIX path operations that resolving `extends` needs, in plain TypeScript: the same results as
 * Node's `node:path` (posix) on every input (test/scenario/file-paths.test.ts compares them), so a scenario
 * composes the same way in a browser, where the files are the page's and there is no `node:path`.
 */

const SLASH = 47; // '/'
const DOT = 46; // '.'

/** Whether `path` starts at the root. */
export function isAbsolute(path: string): boolean {
  return path.length > 0 && path.charCodeAt(0) === SLASH;
}

/** The parts joined with `/` and normalised (`.` and `..` resolved, repeated slashes merged); `.` when nothing is left. */
export function join(...parts: string[]): string {
  const joined = parts.filter((part) => part.length > 0).join('/');
  return joined.length === 0 ? '.' : normalize(joined);
}

/** The directory part of `path`: everything before its last name (`.` for a bare name, `/` for a name at the root). */
export function dirname(path: string): string {
  if (path.length === 0) return '.';
  const hasRoot = path.charCodeAt(0) === SLASH;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === SLASH) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end === -1) return hasRoot ? '/' : '.';
  if (hasRoot && end === 1) return '//';
  return path.slice(0, end);
}

/** The extension of `path`'s last name, from its last `.` (`''` for none, or for a name that only starts with dots). */
export function extname(path: string): string {
  let startDot = -1;
  let startPart = 0;
  let end = -1;
  let matchedSlash = true;
  // What precedes the last dot in the last name: 0 nothing yet, -1 a character other than a dot, 1 only dots (Node's own states)
  let preDotState = 0;
  for (let i = path.length - 1; i >= 0; --i) {
    const code = path.charCodeAt(i);
    if (code === SLASH) {
      if (!matchedSlash) {
        startPart = i + 1;
        break;
      }
      continue;
    }
    if (end === -1) {
      matchedSlash = false;
      end = i + 1;
    }
    if (code === DOT) {
      if (startDot === -1) startDot = i;
      else if (preDotState !== 1) preDotState = 1;
    } else if (startDot !== -1) {
      preDotState = -1;
    }
  }
  if (startDot === -1 || end === -1 || preDotState === 0 || (preDotState === 1 && startDot === end - 1 && startDot === startPart + 1)) return '';
  return path.slice(startDot, end);
}

/** `path` made absolute against the working directory (the root where there is none, as in a browser), normalised. */
export function resolve(path: string): string {
  let resolved = '';
  let absolute = false;
  for (const part of [path, workingDirectory()]) {
    if (absolute) break;
    if (part.length === 0) continue;
    resolved = `${part}/${resolved}`;
    absolute = part.charCodeAt(0) === SLASH;
  }
  resolved = normalizeString(resolved, !absolute);
  if (absolute) return `/${resolved}`;
  return resolved.length > 0 ? resolved : '.';
}

function workingDirectory(): string {
  const process = (globalThis as { process?: { cwd?: () => string } }).process;
  return process?.cwd?.() ?? '/';
}

function normalize(path: string): string {
  const absolute = path.charCodeAt(0) === SLASH;
  const trailingSlash = path.charCodeAt(path.length - 1) === SLASH;
  let normal = normalizeString(path, !absolute);
  if (normal.length === 0) {
    if (absolute) return '/';
    return trailingSlash ? './' : '.';
  }
  if (trailingSlash) normal += '/';
  return absolute ? `/${normal}` : normal;
}

/** `path` with `.` and `..` resolved and repeated slashes merged, without a leading slash; `..` kept at the start when `aboveRoot`. */
function normalizeString(path: string, aboveRoot: boolean): string {
  let result = '';
  let lastSegmentLength = 0;
  let lastSlash = -1;
  let dots = 0;
  let code = 0;
  for (let i = 0; i <= path.length; ++i) {
    if (i < path.length) code = path.charCodeAt(i);
    else if (code === SLASH) break;
    else code = SLASH;
    if (code === SLASH) {
      if (lastSlash === i - 1 || dots === 1) {
        // An empty segment or `.`: nothing to add.
      } else if (dots === 2) {
        if (result.length < 2 || lastSegmentLength !== 2 || result.charCodeAt(result.length - 1) !== DOT || result.charCodeAt(result.length - 2) !== DOT) {
          if (result.length > 2) {
            const lastSlashIndex = result.lastIndexOf('/');
            if (lastSlashIndex === -1) {
              result = '';
              lastSegmentLength = 0;
            } else {
              result = result.slice(0, lastSlashIndex);
              lastSegmentLength = result.length - 1 - result.lastIndexOf('/');
            }
            lastSlash = i;
            dots = 0;
            continue;
          } else if (result.length !== 0) {
            result = '';
            lastSegmentLength = 0;
            lastSlash = i;
            dots = 0;
            continue;
          }
        }
        if (aboveRoot) {
          result += result.length > 0 ? '/..' : '..';
          lastSegmentLength = 2;
        }
      } else {
        const segment = path.slice(lastSlash + 1, i);
        result = result.length > 0 ? `${result}/${segment}` : segment;
        lastSegmentLength = i - lastSlash - 1;
      }
      lastSlash = i;
      dots = 0;
    } else if (code === DOT && dots !== -1) {
      ++dots;
    } else {
      dots = -1;
    }
  }
  return result;
}
