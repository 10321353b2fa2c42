import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError, type Command } from 'commander';
import { argumentsToParse, buildProgram } from '../../src/cli/program.js';
import { commaList, listBody, listParameters, type ListFlags } from '../../src/cli/commands/list-options.js';

/** Every command of the program, subcommands included, by their full names. */
function allCommands(command: Command, prefix = ''): [string, Command][] {
  return command.commands.flatMap((child) => {
    const name = `${prefix}${child.name()}`;
    return child.commands.length > 0 ? allCommands(child, `${name} `) : [[name, child] as [string, Command]];
  });
}

/** What --help prints, and the CommanderError it ends with (help does not end the process). */
function help(path: string[]): { text: string; error: CommanderError } {
  const program = buildProgram();
  let text = '';
  const capture = (command: Command) => {
    command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
    for (const child of command.commands) capture(child);
  };
  capture(program);
  try {
    program.parse([...path, '--help'], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { text, error };
    throw error;
  }
  throw new Error('--help did not stop the parse');
}

describe('the paper-search program', () => {
  const commands = allCommands(buildProgram());

  it('has the documented commands', () => {
    assert.deepEqual(
      commands.map(([name]) => name),
      ['search', 'similar', 'related', 'recommend', 'get', 'ingest', 'add', 'serve', 'start', 'model fetch', 'verify', 'doctor', 'mcp', 'eval', 'bench'],
    );
  });

  for (const [name] of commands) {
    it(`${name} --help describes it with an example and exits 0`, () => {
      const { text, error } = help(name.split(' '));
      assert.equal(error.exitCode, 0);
      assert.match(text, new RegExp(`^Usage: paper-search ${name}`));
      assert.match(text, new RegExp(`Examples:\\n(\\s+\\$ .+\\n)*\\s+\\$ (cat .+ \\| )?paper-search ${name}`));
    });
  }

  it('regression: model --help, the group of its subcommands, has examples as every command does (it had none)', () => {
    const { text, error } = help(['model']);
    assert.equal(error.exitCode, 0);
    assert.match(text, /Examples:\n(\s+\$ .+\n)*\s+\$ paper-search model fetch/);
  });

  it('top-level --help documents the exit codes', () => {
    const { text, error } = help([]);
    assert.equal(error.exitCode, 0);
    assert.match(text, /Exit codes: 0 ok, 1 failure, 2 usage/);
  });

  it('regression: a misspelt command with --help is an unknown command (it printed the overview and exited 0)', () => {
    const program = buildProgram();
    let errors = '';
    program.configureOutput({ writeErr: (chunk) => (errors += chunk) });
    assert.throws(
      () => program.parse(argumentsToParse(program, ['serach', '--help']), { from: 'user' }),
      (error: unknown) => error instanceof CommanderError && error.code === 'commander.unknownCommand' && error.exitCode !== 0,
    );
    assert.match(errors, /unknown command 'serach'\n\(Did you mean search\?\)/);
    for (const args of [['search', '--help'], ['model', 'fetch', '-h'], ['--help'], ['help', 'search']])
      assert.deepEqual(argumentsToParse(program, args), args);
  });

  it('regression: help for a command that does not exist is an unknown command (it printed the overview and exited 0)', () => {
    const program = buildProgram();
    let errors = '';
    program.configureOutput({ writeErr: (chunk) => (errors += chunk) });
    assert.throws(
      () => program.parse(argumentsToParse(program, ['help', 'serach']), { from: 'user' }),
      (error: unknown) => error instanceof CommanderError && error.code === 'commander.unknownCommand' && error.exitCode !== 0,
    );
    assert.match(errors, /unknown command 'serach'\n\(Did you mean search\?\)/);
    assert.deepEqual(argumentsToParse(program, ['help', 'model', 'fetch']), ['help', 'model', 'fetch']);
    assert.deepEqual(argumentsToParse(program, ['help', 'model', 'fetc']), ['model', 'fetc']);
    assert.throws(
      () => buildProgram().parse(argumentsToParse(program, ['help', 'model', 'fetc']), { from: 'user' }),
      (error: unknown) => error instanceof CommanderError && error.code === 'commander.unknownCommand' && error.exitCode !== 0,
    );
  });

  it('a wrong flag is a CommanderError, not an exit of the process', () => {
    const program = buildProgram();
    program.configureOutput({ writeErr: () => undefined });
    for (const child of program.commands) child.configureOutput({ writeErr: () => undefined });
    assert.throws(
      () => program.parse(['search', 'x', '-k', 'ten'], { from: 'user' }),
      (error: unknown) => error instanceof CommanderError && error.code === 'commander.invalidArgument',
    );
  });

  it('regression: a --url that is not an http(s) URL is a usage error (it failed as a request, exit code 1)', () => {
    for (const args of [
      ['search', 'x', '--url', 'notaurl'],
      ['related', 'seed-001', '--url', 'ftp://host'],
      ['mcp', '--url', '127.0.0.1:8080'],
      ['mcp', '--url', 'http://user:secret@127.0.0.1:8080'],
      ['search', 'x', '--url', 'http://127.0.0.1:8080/#top'],
    ]) {
      const program = buildProgram();
      program.configureOutput({ writeErr: () => undefined });
      for (const child of program.commands) child.configureOutput({ writeErr: () => undefined });
      assert.throws(
        () => program.parse(args, { from: 'user' }),
        (error: unknown) => error instanceof CommanderError && error.code === 'commander.invalidArgument',
        args.join(' '),
      );
    }
  });
});

describe('serve --port', () => {
  it('regression: a port out of range is a usage error (it failed later as config_invalid, exit code 1)', () => {
    for (const value of ['99999', '-1', '65536', 'http']) {
      const program = buildProgram();
      program.configureOutput({ writeErr: () => undefined });
      for (const child of program.commands) child.configureOutput({ writeErr: () => undefined });
      assert.throws(
        () => program.parse(['serve', '--port', value], { from: 'user' }),
        (error: unknown) => error instanceof CommanderError && error.code === 'commander.invalidArgument',
        value,
      );
    }
  });
});

describe('list flags', () => {
  const flags: ListFlags = {
    k: 5,
    offset: 10,
    yearFrom: 2020,
    yearTo: 2024,
    category: ['cs.CV', 'cs.RO'],
    author: ['Doe, Jane'],
    exclude: ['a'],
    threshold: 0.2,
    fields: ['title'],
    explain: true,
  };

  it('become the body of the POST routes', () => {
    assert.deepEqual(listBody(flags), {
      k: 5,
      offset: 10,
      score_threshold: 0.2,
      fields: ['title'],
      explain: true,
      filter: { year: { gte: 2020, lte: 2024 }, categories: { any: ['cs.CV', 'cs.RO'] }, authors: { any: ['Doe, Jane'] }, exclude_ids: ['a'] },
    });
    assert.equal(listBody({}).filter, undefined);
  });

  it('become the query parameters of the related route', () => {
    assert.deepEqual(listParameters(flags), {
      k: 5,
      offset: 10,
      score_threshold: 0.2,
      fields: ['title'],
      explain: true,
      year_gte: 2020,
      year_lte: 2024,
      categories_any: ['cs.CV', 'cs.RO'],
      authors_any: ['Doe, Jane'],
      exclude_ids: ['a'],
    });
  });
});

describe('commaList', () => {
  it('regression: reads \\, as a comma within a value (a keyword such as "Carcinoma, Squamous Cell" could not be asked for)', () => {
    assert.deepEqual(commaList('cs.CV, Carcinoma\\, Squamous Cell,q-bio', undefined), ['cs.CV', 'Carcinoma, Squamous Cell', 'q-bio']);
    assert.deepEqual(commaList('b', ['a']), ['a', 'b']);
    assert.throws(() => commaList(' , ', undefined), /at least one value/);
  });
});
