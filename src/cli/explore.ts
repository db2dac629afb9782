import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { positiveInteger, seed, SEED_HELP } from './arguments.js';
import { UsageError } from './errors.js';
import { examples } from './help.js';
import { PAGE_RUNS } from '../explore/limits.js';
import { printable } from '../printable.js';

/**
 * `computerace explore`: the scenario in a browser page (src/explore/), served on localhost until
 * Ctrl-C, or written with `--out` as a folder any static web server can serve.
 */

interface ExploreFlags {
  port: number;
  out?: string;
  runs: number;
  seed: string;
}

/** Adds the `explore` command to the program. */
export function addExploreCommand(program: Command): void {
  program
    .command('explore')
    .description('explore a scenario in the browser: controls, fan charts that fill as runs arrive, comparison, drill-down, export (runs in Web Workers, nothing leaves the machine)')
    .argument('<scenario>', 'a scenario file (YAML or JSON)')
    .addOption(new Option('--port <n>', 'port on localhost to serve the page on').argParser(port).default(0, 'any free port'))
    .option('--out <dir>', 'write the page into this folder, for any static web server, instead of serving it')
    .option('--runs <n>', `runs of each change, at first, from ${PAGE_RUNS.min} to ${PAGE_RUNS.max.toLocaleString('en')} (the page can change it)`, pageRuns, 1000)
    .option('--seed <seed>', `master seed at first (the page can change it); ${SEED_HELP}`, seed, '1')
    .addHelpText('after', examples(
      'computerace explore scenarios/openai-multicloud-2025.yaml',
      'computerace explore scenarios/price-war.yaml --port 8080 --runs 500',
      'computerace explore scenarios/openai-multicloud-2025.yaml --out site',
    ))
    .action(async (file: string, flags: ExploreFlags) => {
      const [{ buildSite, scenarioFiles, serveSite, writeSite }] = await Promise.all([import('../explore/site.js')]);
      const files = scenarioFiles(file);
      const site = buildSite({ source: file, files, seed: flags.seed, runs: flags.runs });
      if (flags.out !== undefined) {
        const { OutputError } = await import('../io/outputs.js');
        await writeSite(site, flags.out).catch((error: unknown) => {
          // A write the system refused names its path and the reason, never Node's own message.
          throw error instanceof OutputError ? new UsageError(printable(error.message)) : error;
        });
        console.log(`wrote ${printable(flags.out)}/: index.html, boot.js, page.js, worker.js, explore.css; serve the folder with any static web server (Web Workers do not start from file:// pages)`);
        return;
      }
      let server;
      try {
        server = await serveSite(site, flags.port);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UsageError(`port ${flags.port} is in use; choose another with --port, or leave it out for any free port`);
        if (code === 'EACCES') throw new UsageError(`port ${flags.port} needs privileges; choose one above 1023`);
        throw error;
      }
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : flags.port}/`;
      console.log(`computerace explore: ${printable(file)} at ${url} (Ctrl-C to stop)`);
      // Serves until interrupted; then closes the server and ends normally.
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop).off('SIGTERM', stop);
          server.closeAllConnections();
          server.close(() => resolve());
        };
        process.once('SIGINT', stop).once('SIGTERM', stop);
      });
    });
}

/** A TCP port: 0 (any free one) to 65535. */
function port(text: string): number {
  // In decimal digits: Number('') is 0, which would serve on any port when none was meant.
  const value = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 65535)) throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${printable(text)}'`);
  return value;
}

/** The runs the page starts with: as many as its own control allows. */
function pageRuns(text: string): number {
  const value = positiveInteger(text);
  if (!(value >= PAGE_RUNS.min && value <= PAGE_RUNS.max)) throw new InvalidArgumentError(`expected from ${PAGE_RUNS.min} to ${PAGE_RUNS.max} runs (what the page offers), got ${value}`);
  return value;
}
