import type { Command } from 'commander';
import { hasUnprintable, printable, UNPRINTABLE, unicodeEscape } from '../printable.js';
import { collect } from './arguments.js';
import { examples } from './help.js';

/** `computerace resolve`: a scenario fully composed (extends and --set applied) as one YAML file, with its hash. */

interface ResolveFlags {
  set: string[];
  sweep: string[];
}

/** Adds the `resolve` command to the program. */
export function addResolveCommand(program: Command): void {
  program
    .command('resolve')
    .description('print a scenario fully composed (extends and --set applied) as YAML, headed by its content hash')
    .argument('<scenario>', 'a scenario file (YAML or JSON)')
    .option('--set <path=value>', 'override a field after composition, e.g. providers.azure.pricing.margin=0.3 (repeatable)', collect, [])
    .option('--sweep <path=v1,v2,...>', 'check a sweep and list the variants it makes (repeatable)', collect, [])
    .addHelpText('after', examples('computerace resolve scenarios/price-war.yaml --set providers.azure.pricing.margin=0.3 > resolved.yaml'))
    .action(async (file: string, flags: ResolveFlags) => {
      // Loaded on demand: formulas bring in mathjs, which takes most of a second to start.
      const [{ loadScenario }, { stringify }] = await Promise.all([import('../scenario/load.js'), import('yaml')]);
      const loaded = loadScenario(file, { set: flags.set, sweep: flags.sweep });
      process.stdout.write(formatResolved(loaded, flags, (value) => printableYaml(value, stringify)));
    });
}

/** The header comments and the YAML text of a resolved scenario. */
function formatResolved(
  loaded: { files: string[]; resolved: Record<string, unknown>; hash: string; variants: { name: string }[] },
  flags: ResolveFlags,
  stringify: (value: unknown) => string,
): string {
  // Comments hold names and values as given: escaped, each stays one comment line.
  const header = [`# scenario hash: sha256:${loaded.hash}`, `# resolved from: ${loaded.files.map(printable).join(', ')}`];
  for (const set of flags.set) header.push(`# with --set ${printable(set)}`);
  if (loaded.variants.length > 1) {
    header.push(`# variants (${loaded.variants.length}):`);
    for (const variant of loaded.variants) header.push(`#   ${printable(variant.name)}`);
  }
  return `${header.join('\n')}\n${stringify(loaded.resolved)}`;
}

type Stringify = (value: unknown, options: { lineWidth: number; defaultStringType?: 'QUOTE_DOUBLE'; defaultKeyType?: 'QUOTE_DOUBLE' }) => string;

/**
 * The scenario as YAML that is safe to print and reads back the same. The yaml library escapes C0
 * controls, but leaves DEL, C1 controls, separators and bidirectional overrides raw, in plain scalars
 * too. A scenario with any of these is written with every string and key double-quoted, where
 * `\uXXXX` means the character; any other is written exactly as the yaml library prints it, byte for byte.
 */
function printableYaml(value: unknown, stringify: Stringify): string {
  const plain = stringify(value, { lineWidth: 0 });
  if (!hasUnprintable(plain.replace(/[\t\n]/g, ''))) return plain;
  const quoted = stringify(value, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE' });
  return quoted.replace(UNPRINTABLE, (c) => (c === '\n' ? c : unicodeEscape(c)));
}
