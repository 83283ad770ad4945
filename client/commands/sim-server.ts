// `nightshift sim-server`: runs the simulated OpenAI/llama-swap endpoint in this process. Prints exactly
// one JSON line on stdout once listening ({"event":"listening","url":…}) so a parent process can read
// the URL; everything else goes to stderr. SIGTERM/SIGINT close it cleanly.
import type { Command } from 'commander';
import { integerFlag } from './flags.js';
import { withExamples } from './grammar.js';

interface SimServerFlags {
  port: string;
  host: string;
  config?: string;
  seed?: string;
  plain?: boolean;
  model?: string;
}

export function registerSimServerCommand(program: Command): void {
  const simServer = program
    .command('sim-server')
    .description('serve simulated models (OpenAI + llama-swap compatible) for demos, calibration and tests — a simulator, never a model')
    .option('--port <n>', 'port to listen on (0 = ephemeral)', '0')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--config <file>', 'simulator config (TOML or JSON); default configs/sim/demo.toml')
    .option('--seed <n>', 'seed for every simulated decision (overrides the config)')
    .option('--plain', 'plain OpenAI server: one model, no llama-swap routes (e.g. as a llama-swap upstream)')
    .option('--model <id>', 'serve only this model from the config')
    .action(async (flags: SimServerFlags) => {
      const port = integerFlag('--port', 0, 65535)(flags.port);
      const seed = flags.seed === undefined ? undefined : integerFlag('--seed', 0, 2 ** 32 - 1)(flags.seed);
      const { startSimServer } = await import('../sim-server/server.js');
      const sim = await startSimServer({
        config: flags.config,
        port,
        host: flags.host,
        seed,
        plain: flags.plain === true,
        model: flags.model,
        allowExit: true,
        log: (line) => process.stderr.write(`sim-server: ${line}\n`),
      });
      process.stdout.write(`${JSON.stringify({ event: 'listening', url: sim.url })}\n`);
      process.stderr.write(`sim-server: serving ${sim.models.join(', ')} at ${sim.url}${flags.plain ? ' (plain)' : ''} — simulated, not a model\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`sim-server: ${signal}, closing\n`);
          sim.close().then(resolve, resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
  withExamples(simServer, [
    'nightshift sim-server --port 9000',
    'nightshift sim-server --plain --model sim-qwen-9b-4bit --port 9001   # a plain upstream for llama-swap',
  ]);
}
