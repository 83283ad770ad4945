// The CLI's one grammar, applied to every command: required options marked in help, a short error with a
// one-line hint instead of the whole help, an Examples section, and old flag spellings that keep working
// for one release with a deprecation line.
import { Help, Option, type Command } from 'commander';

/** Settings every command inherits (commander copies them to a command when it is created, so this runs
 * on the program before any command is registered). */
export function applyGrammar(program: Command): void {
  program.configureHelp({
    optionDescription(option) {
      const text = Help.prototype.optionDescription.call(this, option);
      return option.mandatory ? `(required) ${text}` : text;
    },
  });
  program.showHelpAfterError('(add --help for usage)');
}

/** An Examples section after a command's help: one command line per entry. */
export function withExamples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}

/** The flag an old spelling stands for: the option's key and the value it gets. */
interface Renamed {
  old: string;
  /** How the new flag is written, for the deprecation line, e.g. "--format json". */
  now: string;
  key: string;
  /** The value for `key`; default: the old flag's own value. */
  value?: unknown;
}

/** Keeps an old flag spelling working for one release: hidden from help, its value moved to the new
 * option before the action runs, with one line on stderr saying what to write instead. */
export function renamedFlag(command: Command, renamed: Renamed): Command {
  const takesValue = renamed.value === undefined;
  const old = new Option(takesValue ? `${renamed.old} <value>` : renamed.old).hideHelp();
  command.addOption(old);
  return command.hook('preAction', (cmd) => {
    const given: unknown = cmd.getOptionValue(old.attributeName());
    if (given === undefined) return;
    process.stderr.write(`nightshift ${commandPath(cmd)}: ${renamed.old} is deprecated; use ${renamed.now}\n`);
    // The value goes through the new option's own checks (a positive integer, one of the choices…).
    const current = cmd.options.find((o) => o.attributeName() === renamed.key);
    const value = takesValue ? given : renamed.value;
    cmd.setOptionValue(renamed.key, current?.parseArg && typeof value === 'string' ? current.parseArg(value, current.defaultValue) : value);
    cmd.setOptionValue(old.attributeName(), undefined);
  });
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command = cmd; c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** `--address` and `--namespace` for a command that talks to Temporal. They stand for the standard
 * environment variables, which the rest of the connection setup (profiles, TLS, API key) reads. */
export function temporalFlags(command: Command): Command {
  return command
    .addOption(new Option('--address <host:port>', 'Temporal server').env('TEMPORAL_ADDRESS'))
    .addOption(new Option('--namespace <name>', 'Temporal namespace').env('TEMPORAL_NAMESPACE'))
    .hook('preAction', (cmd) => {
      const { address, namespace } = cmd.opts<{ address?: string; namespace?: string }>();
      if (address !== undefined) process.env.TEMPORAL_ADDRESS = address;
      if (namespace !== undefined) process.env.TEMPORAL_NAMESPACE = namespace;
    });
}
