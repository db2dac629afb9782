import type { Command } from 'commander';
import { printable } from '../printable.js';
import { inputError, UsageError } from './errors.js';
import { examples } from './help.js';

/** `computerace merge`: shard directories of one batch into the files a single machine would have written. */

/** Adds the `merge` command to the program. */
export function addMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge the shard directories of a batch (run with --shard K/M) into one batch directory')
    .argument('<shards...>', 'the shard directories, one per shard, in any order')
    .requiredOption('--out <dir>', 'directory for the merged tables (.arrow), summary.json, manifest.json')
    .addHelpText('after', examples('computerace merge results/big/shard-0 results/big/shard-1 results/big/shard-2 --out results/big'))
    .action(async (dirs: string[], flags: { out: string }) => {
      const [{ mergeShards, ShardMismatch }, { filesWritten, formatBatchSummary }, { OutputError, WriteFailure }] = await Promise.all([
        import('../experiment/merge.js'),
        import('./batch-summary.js'),
        import('../io/outputs.js'),
      ]);
      const started = performance.now();
      try {
        const outcome = await mergeShards(dirs, flags.out, process.argv.slice(2));
        console.log(formatBatchSummary(outcome.scenario.name, outcome, (performance.now() - started) / 1000));
        console.log(`\nmerged ${dirs.length} shard${dirs.length > 1 ? 's' : ''} into ${printable(flags.out)}/: ${filesWritten(outcome.rows, outcome.description)}`);
      } catch (error) {
        // The shards are only read: once there is room, the same merge does it all again.
        if (error instanceof WriteFailure) throw new UsageError(`${printable(error.message)}; the shards are untouched: once there is room, run the merge again`);
        if (error instanceof ShardMismatch || error instanceof OutputError) throw inputError(error);
        throw error;
      }
    });
}
