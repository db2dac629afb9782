import type { Command } from 'commander';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { STARTER_SCHEMA_FILE, starterScenario } from '../scenario/starter.js';
import { readScenarioFile } from '../scenario/read.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { printable } from '../printable.js';
import { UsageError } from './errors.js';
import { examples } from './help.js';
import { shellCommand } from './shell.js';

/** `computerace init [FILE]`: a commented starter scenario, with the JSON Schema beside it for editors. */
export function addInitCommand(program: Command): void {
  program
    .command('init')
    .description(`write a commented starter scenario that validates, and its JSON Schema (${STARTER_SCHEMA_FILE}) beside it for editors`)
    .argument('[file]', 'the scenario file to create', 'scenario.yaml')
    .option('--force', 'overwrite the file (and a schema file that is not computerace\'s) if it exists')
    .addHelpText('after', examples('computerace init my-scenario.yaml'))
    .action((file: string, options: { force?: boolean }) => {
      const written = initScenario(file, { force: options.force === true });
      console.log(`wrote ${printable(written.scenario)} (a starter scenario) and ${printable(written.schema)} (its JSON Schema, for editors)`);
      console.log(`next: ${shellCommand(['computerace', 'validate', written.scenario])}`);
    });
}

export interface InitResult {
  /** The scenario file written, as given. */
  scenario: string;
  /** The JSON Schema file written beside it. */
  schema: string;
}

/** Writes the starter scenario at `file` and the JSON Schema beside it; throws a UsageError (before writing, when a file is in the way). */
export function initScenario(file: string, options: { force?: boolean } = {}): InitResult {
  const force = options.force === true;
  if (file === '') throw new UsageError('init needs a file name (default scenario.yaml), got an empty one');
  if (/\.json$/i.test(file)) throw new UsageError(`the starter scenario is YAML with comments; name it .yaml, not '${printable(file)}'`);
  const directory = dirname(file);
  const schemaFile = join(directory, STARTER_SCHEMA_FILE);
  if (basename(file) === STARTER_SCHEMA_FILE) throw new UsageError(`'${printable(file)}' is the name of the schema file init writes; choose another name`);

  const where = kindOf(directory);
  if (where === 'missing') throw new UsageError(`cannot create '${printable(file)}': directory '${printable(directory)}' does not exist`);
  if (where !== 'directory') throw new UsageError(`cannot create '${printable(file)}': '${printable(directory)}' is not a directory`);
  const existing = kindOf(file);
  if (existing === 'directory') throw new UsageError(`cannot create '${printable(file)}': it is a directory`);
  if (existing === 'other') throw new UsageError(`cannot create '${printable(file)}': it exists and is not a regular file (a FIFO, device or socket)`);
  if (existing !== 'missing' && !force) throw new UsageError(`'${printable(file)}' already exists; use --force to overwrite it`);
  // A schema file computerace wrote before is brought up to date; anything else by that name is the user's.
  const schema = scenarioJsonSchema();
  const schemaKind = kindOf(schemaFile);
  if (schemaKind === 'directory') throw new UsageError(`cannot write the schema: '${printable(schemaFile)}' is a directory`);
  if (schemaKind === 'other') throw new UsageError(`cannot write the schema: '${printable(schemaFile)}' exists and is not a regular file (a FIFO, device or socket)`);
  if (schemaKind !== 'missing' && !force && !isOurSchema(schemaFile, schema.title)) {
    throw new UsageError(`'${printable(schemaFile)}' exists and is not a computerace schema; use --force to overwrite it`);
  }

  const name = basename(file, extname(file));
  write(schemaFile, `${JSON.stringify(schema, null, 2)}\n`, true);
  write(file, starterScenario({ name, schema: `./${STARTER_SCHEMA_FILE}` }), force);
  return { scenario: file, schema: schemaFile };
}

/** What is at `path` (links followed): a FIFO, a device or a socket is `other`, never read or written. */
function kindOf(path: string): 'missing' | 'directory' | 'file' | 'other' {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return 'missing';
    if ((error as { code?: unknown }).code === 'ENOTDIR') throw new UsageError(`cannot create '${printable(path)}': a part of its path is a file, not a directory`);
    throw error;
  }
}

function isOurSchema(file: string, title: unknown): boolean {
  try {
    // Read as a scenario is: a regular file of bounded size, or not ours.
    const parsed: unknown = JSON.parse(readScenarioFile(file));
    return typeof parsed === 'object' && parsed !== null && (parsed as { title?: unknown }).title === title;
  } catch {
    return false;
  }
}

function write(file: string, text: string, overwrite: boolean): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // Without --force the file is created only if it still does not exist ('wx'), so a race cannot clobber one.
    // Overwritten, it is replaced by a rename: a link at its name is replaced, never written through to
    // the file it points to (a schema linked to /etc/passwd stays a link's problem, not the system's).
    if (!overwrite) writeFileSync(file, text, { flag: 'wx' });
    else {
      writeFileSync(temporary, text, { flag: 'wx' });
      renameSync(temporary, file);
    }
  } catch (error) {
    if (overwrite) {
      try {
        rmSync(temporary, { force: true });
      } catch {}
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') throw new UsageError(`'${printable(file)}' already exists; use --force to overwrite it`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UsageError(`cannot write '${printable(file)}': permission denied`);
    if (code === 'ENOENT') throw new UsageError(`cannot create '${printable(file)}': directory '${printable(dirname(file))}' does not exist`);
    throw error;
  }
}
