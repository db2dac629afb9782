// Writes docs/api.md, the reference of the library's exports (`npm run docs:api`): every name
// src/index.ts exports, found at its declaration through the modules that re-export it, with the
// first sentence of its doc comment and its signature. It reads the sources with TypeScript's parser
// alone, no type-checker (which would load and check every module the sources import), so a
// signature is what the source writes, not an inferred type. test/api-reference.test.ts imports it
// to check that docs/api.md is what it writes now, and that every export has a doc comment.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Required, not imported: importing the 9 MB CommonJS module from ESM first scans its text for the
// names it exports, which more than doubles the cost of loading it (1.2 s of CPU against 0.5 s here).
const ts = createRequire(import.meta.url)('typescript');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The sections of docs/api.md: the layers of src/ in the architecture's order (docs/architecture.md),
 * each with its folder, its title and what it holds. A module in no layer listed goes to the last.
 */
const LAYERS = [
  ['kernel', 'Kernel', 'the discrete-event engine, usable on its own: the clock and agenda, events and processes, resources, statistics, random streams and distributions ([kernel.md](kernel.md)).'],
  ['scenario', 'Scenarios', 'scenario files, loaded with their problems located; the schema, formulas, compiling a scenario for runs, back-test targets, the content hash ([scenarios.md](scenarios.md)).'],
  ['market', 'Market', 'one run of the compute market, from a compiled scenario, a seed and a run index to plain records; the pluggable policies and what they see ([model.md](model.md)).'],
  ['io', 'Outputs', "the tables a batch writes, its manifest, CSV export and the output folder's errors ([outputs.md](outputs.md))."],
  ['experiment', 'Batches', 'Monte Carlo batches and their options and limits, key metrics and the summary, shards and merge, designs and sensitivity, back-tests ([cluster.md](cluster.md), [backtest.md](backtest.md)).'],
  ['report', 'Reports', "a finished batch's HTML report, and finished batches compared ([reports.md](reports.md))."],
  ['', 'Others', "The kernel's M/M/1 example (`src/examples/`) and the engine's version (`src/version.ts`)."],
];

/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = /(?:\be\.g|\bi\.e|\bvs|\betc|\bcf)\.$/i;

/** Longest compact form of a type alias or interface written out in full; a longer one is named only. */
const SHORT_TYPE = 90;

/** The parsed source files, by absolute path. */
const parsed = new Map();

/**
 * A source file parsed (once), without a type-checker or parent pointers (a node's text is read with
 * its source file given). Its JSDoc is not parsed into nodes (a quarter of the time): doc comments are
 * read as text, from the comment ranges before a declaration.
 */
function parse(file) {
  let source = parsed.get(file);
  if (source === undefined) {
    const options = { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), options, false, ts.ScriptKind.TS);
    parsed.set(file, source);
  }
  return source;
}

/** The source file a relative module specifier names from `file` (`./x.js` is `./x.ts`). */
function moduleFile(file, specifier) {
  const base = resolve(dirname(file), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`${relative(ROOT, file)}: cannot find module '${specifier}'`);
}

/** Whether a statement is marked `export`. */
function hasExport(node) {
  return (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

/** The names a top-level statement declares, with the node that holds each one's doc comment. */
function declared(statement) {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.filter((d) => ts.isIdentifier(d.name)).map((d) => ({ name: d.name.text, node: d, statement }));
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && statement.name) {
    return [{ name: statement.name.text, node: statement, statement }];
  }
  return [];
}

/**
 * The declarations of what `file` exports as `name`, followed through re-exports and imports to the
 * module that declares it: `{ file, declarations }`, or undefined when `file` exports no such name.
 */
function findExport(file, name, seen = new Set()) {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  const source = parse(file);
  const local = source.statements.flatMap(declared).filter((d) => d.name === name && hasExport(d.statement));
  if (local.length > 0) return { file, declarations: local };
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier?.text;
    if (statement.exportClause === undefined) {
      // export * from './x.js'
      const found = findExport(moduleFile(file, specifier), name, seen);
      if (found) return found;
      continue;
    }
    if (!ts.isNamedExports(statement.exportClause)) continue;
    for (const element of statement.exportClause.elements) {
      if (element.name.text !== name) continue;
      const original = (element.propertyName ?? element.name).text;
      return specifier === undefined ? findLocal(file, original, seen) : findExport(moduleFile(file, specifier), original, seen);
    }
  }
  return undefined;
}

/** The declarations of a name local to `file` (declared there, or imported from another module). */
function findLocal(file, name, seen) {
  const source = parse(file);
  const local = source.statements.flatMap(declared).filter((d) => d.name === name);
  if (local.length > 0) return { file, declarations: local };
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const element = bindings.elements.find((e) => e.name.text === name);
    if (element) return findExport(moduleFile(file, statement.moduleSpecifier.text), (element.propertyName ?? element.name).text, seen);
  }
  return undefined;
}

/** The names a module exports, in their order there (for `export *`). */
function exportedNames(file) {
  const source = parse(file);
  return source.statements.flatMap((statement) => {
    if (ts.isExportDeclaration(statement)) {
      if (statement.exportClause === undefined) return exportedNames(moduleFile(file, statement.moduleSpecifier.text));
      return ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements.map((e) => e.name.text) : [];
    }
    return hasExport(statement) ? declared(statement).map((d) => d.name) : [];
  });
}

const TRIVIA = new Set([ts.SyntaxKind.WhitespaceTrivia, ts.SyntaxKind.NewLineTrivia, ts.SyntaxKind.SingleLineCommentTrivia, ts.SyntaxKind.MultiLineCommentTrivia]);

/**
 * Source text in one line: comments dropped, the white space between two tokens one space or none
 * (none inside brackets, before a separator, or inside angle brackets broken over lines), and a
 * separator before a closing bracket dropped (a trailing comma of a list written one item a line).
 */
function compact(text) {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, text);
  const tokens = [];
  // The brace depth at each open template literal's `${`: the `}` back at that depth continues the template.
  const templates = [];
  let depth = 0;
  let gap = '';
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (TRIVIA.has(kind)) {
      gap = gap === '\n' || kind === ts.SyntaxKind.NewLineTrivia ? '\n' : ' ';
      continue;
    }
    if (kind === ts.SyntaxKind.OpenBraceToken) depth++;
    else if (kind === ts.SyntaxKind.CloseBraceToken && templates.at(-1) === depth) {
      if (scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateTail) templates.pop();
    } else if (kind === ts.SyntaxKind.CloseBraceToken) depth--;
    else if (kind === ts.SyntaxKind.TemplateHead) templates.push(depth);
    tokens.push({ text: scanner.getTokenText(), gap });
    gap = '';
  }
  const kept = tokens.filter((token, i) => !((token.text === ',' || token.text === ';') && [')', ']', '}', '>'].includes(tokens[i + 1]?.text)));
  return kept
    .map(({ text, gap }, i) => {
      const previous = kept[i - 1]?.text;
      const tight = previous === '(' || previous === '[' || [')', ']', ',', ';'].includes(text) || (previous === '{' && text === '}') || (gap === '\n' && (previous === '<' || text === '>'));
      return i === 0 || gap === '' || tight ? text : ` ${text}`;
    })
    .join('');
}

/** The signature of one export, a line per declaration (overloads, merged declarations), as `source` writes it. */
function signatureOf(name, declarations, source) {
  const text = (node) => compact(node.getText(source));
  const list = (nodes) => nodes.map(text).join(', ');
  const typeParameters = (node) => (node.typeParameters ? `<${list(node.typeParameters)}>` : '');
  const heritage = (node) => (node.heritageClauses ? ` ${node.heritageClauses.map(text).join(' ')}` : '');
  const modifiers = (node, kinds) => (ts.getModifiers(node) ?? []).filter((m) => kinds.includes(m.kind)).map((m) => `${m.getText(source)} `).join('');
  // A function-like node's `<T>(parameters): Return`.
  const call = (node) => `${typeParameters(node)}(${list(node.parameters)})${node.type ? `: ${text(node.type)}` : ''}`;
  // Of overloads, the overload signatures: the implementation's is not callable as written.
  const overloads = (nodes) => (nodes.some((node) => node.body === undefined) ? nodes.filter((node) => node.body === undefined) : nodes);

  const lines = overloads(declarations.map((d) => d.node).filter(ts.isFunctionDeclaration)).map((node) => `function ${name}${call(node)}`);
  for (const { node, statement } of declarations) {
    if (ts.isClassDeclaration(node)) {
      const constructors = overloads(node.members.filter(ts.isConstructorDeclaration)).map((c) => `${modifiers(c, [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword])}constructor(${list(c.parameters)})`);
      const body = constructors.length > 0 ? ` { ${constructors.join('; ')} }` : '';
      lines.push(`${modifiers(node, [ts.SyntaxKind.AbstractKeyword])}class ${name}${typeParameters(node)}${heritage(node)}${body}`);
    } else if (ts.isVariableDeclaration(node)) {
      const flags = statement.declarationList.flags;
      const keyword = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
      const value = node.initializer && unwrap(node.initializer);
      if (node.type) lines.push(`${keyword} ${name}: ${text(node.type)}`);
      else if (value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value))) {
        lines.push(`${keyword} ${name} = ${typeParameters(value)}(${list(value.parameters)})${value.type ? `: ${text(value.type)}` : ''} => ...`);
      } else if (value && isLiteral(value) && text(node.initializer).length <= SHORT_TYPE) lines.push(`${keyword} ${name} = ${text(node.initializer)}`);
      else lines.push(`${keyword} ${name}`);
    } else if (ts.isInterfaceDeclaration(node)) {
      const head = `interface ${name}${typeParameters(node)}${heritage(node)}`;
      const members = compact(`{ ${node.members.map((m) => text(m).replace(/[;,]$/, '')).join('; ')} }`);
      lines.push(node.members.length > 0 && head.length + 1 + members.length <= SHORT_TYPE ? `${head} ${members}` : head);
    } else if (ts.isTypeAliasDeclaration(node)) {
      const head = `type ${name}${typeParameters(node)}`;
      const value = text(node.type);
      lines.push(head.length + 3 + value.length <= SHORT_TYPE ? `${head} = ${value}` : head);
    } else if (ts.isEnumDeclaration(node)) {
      lines.push(`enum ${name}`);
    } else if (ts.isModuleDeclaration(node)) {
      lines.push(`namespace ${name}`);
    }
  }
  return lines;
}

/** An expression without `as const`, `satisfies ...` and parentheses. */
function unwrap(expression) {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

/** Whether an initializer is a value written out: a number, a string, a boolean, or an array of such. */
function isLiteral(expression) {
  const node = unwrap(expression);
  if (ts.isNumericLiteral(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isPrefixUnaryExpression(node)) return ts.isNumericLiteral(node.operand);
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isLiteral);
  return false;
}

/** The JSDoc comment (`/** ... *\/`) just before a statement, as text without its stars; '' when it has none. */
function docComment(source, statement) {
  const ranges = ts.getLeadingCommentRanges(source.text, statement.pos) ?? [];
  const last = ranges.filter((r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && source.text.startsWith('/**', r.pos)).at(-1);
  if (last === undefined) return '';
  // Only a comment right before the statement documents it, not one a blank line or code away.
  const between = source.text.slice(last.end, statement.getStart(source));
  if (/\n\s*\n/.test(between)) return '';
  return source.text
    .slice(last.pos + 3, last.end - 2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd())
    .join('\n')
    .trim();
}

/** The first sentence of a doc comment: its text up to the first full stop that ends a sentence, tags left out. */
export function firstSentence(comment) {
  const paragraph = comment.split(/\n\s*\n|\n\s*@/)[0].replace(/\{@link(?:code|plain)? ([^}|\s]+)(?:[ |][^}]*)?\}/g, '`$1`').replace(/\s+/g, ' ').trim();
  if (paragraph.startsWith('@')) return '';
  let inCode = false;
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i];
    if (c === '`') inCode = !inCode;
    if (inCode || !'.!?'.includes(c)) continue;
    const rest = paragraph.slice(i + 1);
    if (rest === '' || /^\)?\s+(?:[A-Z`'"(\d])/.test(rest)) {
      const end = rest.startsWith(')') ? i + 2 : i + 1;
      if (ABBREVIATIONS.test(paragraph.slice(0, i + 1))) continue;
      return paragraph.slice(0, end);
    }
  }
  return paragraph;
}

/** Every name src/index.ts exports, in its order there, with whether it is exported as a type only. */
function indexExports(index) {
  const source = parse(index);
  const names = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier?.text;
      if (statement.exportClause === undefined) {
        for (const name of exportedNames(moduleFile(index, specifier))) names.push({ name, from: specifier, typeOnly: statement.isTypeOnly });
      } else if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) names.push({ name: element.name.text, from: specifier, typeOnly: statement.isTypeOnly || element.isTypeOnly });
      } else {
        throw new Error(`src/index.ts: export * as ${statement.exportClause.name.text} is not read by this script`);
      }
    } else if (hasExport(statement)) {
      for (const { name } of declared(statement)) names.push({ name, from: undefined, typeOnly: false });
    } else if (ts.isExportAssignment(statement)) {
      throw new Error('src/index.ts: a default export is not read by this script');
    }
  }
  return names;
}

/**
 * Every export of the library, in src/index.ts's order: `{ name, file, layer, signature, doc }`, with
 * `file` the declaring module relative to the repository, `layer` its folder of src/ ('' for one in no
 * layer of LAYERS), `signature` a line per declaration, and `doc` the first sentence of its doc
 * comment ('' when it has none). Throws on a name it cannot find declared.
 */
export function libraryExports(root = ROOT) {
  parsed.clear();
  const index = join(root, 'src', 'index.ts');
  const entries = [];
  for (const { name, from, typeOnly } of indexExports(index)) {
    const found = from === undefined ? findLocal(index, name, new Set()) : findExport(moduleFile(index, from), name, new Set());
    if (found === undefined) throw new Error(`src/index.ts exports ${name} from '${from}', which declares no such export`);
    const source = parse(found.file);
    // A type-only export of a name that is a value and a type too is the type alone.
    const types = found.declarations.filter(({ node }) => ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node));
    const declarations = typeOnly && types.length > 0 ? types : found.declarations;
    const docs = declarations.map(({ statement }) => docComment(source, statement)).filter((doc) => doc !== '');
    const file = relative(root, found.file).split('\\').join('/');
    const folder = file.split('/')[1];
    entries.push({
      name,
      file,
      layer: LAYERS.some(([layer]) => layer === folder) ? folder : '',
      signature: signatureOf(name, declarations, source),
      doc: docs.length > 0 ? firstSentence(docs[0]) : '',
    });
  }
  return entries;
}

/** Text for Markdown: a `<` that would open an HTML tag (`<T>` in prose) escaped, outside code spans. */
function markdown(prose) {
  return prose
    .split('`')
    .map((part, i) => (i % 2 === 0 ? part.replace(/<(?=[A-Za-z/!?])/g, '&lt;') : part))
    .join('`');
}

/** A code span holding `code`, fenced with more backticks than it holds in a row. */
function codeSpan(code) {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${code} ${fence}` : `${fence}${code}${fence}`;
}

/** Orders strings by their lower-case form, then as written: the same order on every machine. */
function byName(a, b) {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** The text of docs/api.md, from the library's exports (read from the sources under `root` unless given). */
export function apiReference(root = ROOT, entries = libraryExports(root)) {
  const lines = [
    '# The library API, name by name',
    '',
    `Every name the package exports (\`import { ... } from 'computerace'\`, \`src/index.ts\`), ${entries.length} of them,`,
    'layer by layer in the order of [architecture.md](architecture.md#layers), then module by module: the',
    'first sentence of its doc comment, and its signature as the source writes it (a class by its',
    'constructor, a long type by its name alone). The module says the rest; how the pieces fit together,',
    'with examples, is in [the README](../README.md#the-library-api) and [kernel.md](kernel.md).',
    '',
    'This file is generated: `npm run docs:api` (`scripts/api-reference.mjs`) writes it from the sources,',
    'and `test/api-reference.test.ts` fails when it is not what the script writes now, or when an export',
    'has no doc comment. To change it, change the doc comments and run the script.',
    '',
    '## Contents',
    '',
  ];
  const sections = LAYERS.map(([layer, title, about]) => ({ layer, title, about, entries: entries.filter((entry) => entry.layer === layer) })).filter((section) => section.entries.length > 0);
  for (const section of sections) lines.push(`- [${section.title}](#${section.title.toLowerCase()}) (${section.entries.length})`);
  for (const section of sections) {
    const folder = section.layer === '' ? '' : `\`src/${section.layer}/\`: `;
    lines.push('', `## ${section.title}`, '', `${folder}${section.about}`);
    const files = [...new Set(section.entries.map((entry) => entry.file))].sort(byName);
    for (const file of files) {
      lines.push('', `### [${file}](../${file})`, '');
      for (const entry of section.entries.filter((e) => e.file === file).sort((a, b) => byName(a.name, b.name))) {
        // The name and what it is, then its signature (which says its kind) on a line of its own: a
        // backslash at the end of a line is a hard line break in Markdown.
        const doc = entry.doc === '' ? '_(no doc comment)_' : markdown(entry.doc);
        lines.push(`- **${entry.name}**: ${doc}\\`, `  ${entry.signature.map(codeSpan).join(' ')}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = join(ROOT, 'docs', 'api.md');
  writeFileSync(target, apiReference());
  console.log(`wrote ${relative(ROOT, target)}`);
}
