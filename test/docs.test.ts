import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The README and docs/ point at each other, at files of the repository and at headings; code comments
 * point at documents. Every such pointer must land: a link to a file that was moved or a heading that
 * was renamed fails here, not in a reader's browser.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOCUMENTS = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** A document's text without its fenced code blocks and inline code, where brackets are code, not links. */
function prose(file: string): string {
  return readFileSync(join(root, file), 'utf8')
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
}

/** The relative targets of a document's Markdown links and images, as written (a path, a path and an `#anchor`, or an `#anchor` alone). */
function linksOf(file: string): string[] {
  return [...prose(file).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').trim().toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a document's headings, numbered as GitHub numbers repeated ones (`name`, `name-1`, ...). */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = readFileSync(join(root, file), 'utf8').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(heading!);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Where a link from `file` points: the repository path (the file itself for `#anchor`) and the anchor. */
function resolveLink(file: string, target: string): { path: string; anchor: string | undefined } {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  return { path: path === '' ? file : relative(root, join(root, dirname(file), decodeURIComponent(path))), anchor };
}

/**
 * Every .ts and .mjs file under `dir`, hidden folders left out: test/.tmp holds scratch files that other
 * test files write and delete while this one reads (a notebook's script vanished between listing and reading).
 */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? (entry.name.startsWith('.') ? [] : sources(join(dir, entry.name))) : /\.(ts|mjs)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe('the README and docs/', () => {
  it('are read with their links and headings: the README links to every document and to its own sections', () => {
    const readme = linksOf('README.md');
    for (const document of DOCUMENTS.filter((name) => name !== 'README.md')) expect(readme, document).toContain(document);
    expect(readme).toContain('#batches');
    expect(anchorsOf('README.md')).toContain('changes-of-meaning-december-2026');
    expect(anchorsOf('docs/outputs.md')).toContain('comparing-batches-computerace-compare');
  });

  it('link only to files that exist', () => {
    const missing = DOCUMENTS.flatMap((file) =>
      linksOf(file)
        .map((target) => ({ target, ...resolveLink(file, target) }))
        .filter(({ path }) => !existsSync(join(root, path)))
        .map(({ target }) => `${file}: ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('link only to headings that exist', () => {
    const missing = DOCUMENTS.flatMap((file) =>
      linksOf(file)
        .map((target) => ({ target, ...resolveLink(file, target) }))
        .filter(({ path, anchor }) => anchor !== undefined && path.endsWith('.md') && existsSync(join(root, path)) && !anchorsOf(path).has(anchor))
        .map(({ target }) => `${file}: ${target}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('files of the repository named in the README and docs/', () => {
  it('exist', () => {
    // calibration.md cites files of other repositories (Epoch AI's `docs/...`) by their own paths.
    const named = DOCUMENTS.flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/\b(?:src|test|bench|scenarios|docs)\/[\w./-]*\w\.(?:ts|mjs|md|yaml|png|svg|sh)\b/g)]
        .map((match) => ({ file, path: match[0] }))
        .filter(({ file, path }) => !(file === 'docs/calibration.md' && path.startsWith('docs/'))),
    );
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter(({ path }) => !existsSync(join(root, path))).map(({ file, path }) => `${file}: ${path}`)).toEqual([]);
  });
});

describe('documents named in code comments', () => {
  it('exist', () => {
    const named = ['src', 'test', 'bench'].flatMap(sources).flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)].map((match) => ({ file, document: match[0] })),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter(({ document }) => !existsSync(join(root, document)) || !statSync(join(root, document)).isFile()).map(({ file, document }) => `${file}: ${document}`)).toEqual([]);
  });
});

describe('the README\'s dependencies table', () => {
  it('says why each dependency of package.json is there, dev dependencies too', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Dependencies, and why each is there'));
    const table = section.slice(0, section.indexOf('\n## ')).split('\n').filter((line) => line.startsWith('| `'));
    const named = new Set(table.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!)));
    const packages = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(packages.length).toBeGreaterThan(10);
    expect(packages.filter((name) => !named.has(name))).toEqual([]);
  });
});
