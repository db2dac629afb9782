import type { Command } from 'commander';
import { collect } from './arguments.js';

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
    .action(async (file: string, flags: ResolveFlags) => {
      // Loaded on demand: formulas bring in mathjs, which takes most of a second to start.
      const [{ loadScenario }, { stringify }] = await Promise.all([import('../scenario/load.js'), import('yaml')]);
      const loaded = loadScenario(file, { set: flags.set, sweep: flags.sweep });
      process.stdout.write(formatResolved(loaded, flags, (value) => stringify(value, { lineWidth: 0 })));
    });
}

/** The header comments and the YAML text of a resolved scenario. */
function formatResolved(
  loaded: { files: string[]; resolved: Record<string, unknown>; hash: string; variants: { name: string }[] },
  flags: ResolveFlags,
  stringify: (value: unknown) => string,
): string {
  const header = [`# scenario hash: sha256:${loaded.hash}`, `# resolved from: ${loaded.files.join(', ')}`];
  for (const set of flags.set) header.push(`# with --set ${set}`);
  if (loaded.variants.length > 1) {
    header.push(`# variants (${loaded.variants.length}):`);
    for (const variant of loaded.variants) header.push(`#   ${variant.name}`);
  }
  return `${header.join('\n')}\n${stringify(loaded.resolved)}`;
}
