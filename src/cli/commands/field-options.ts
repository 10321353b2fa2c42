import type { Command } from 'commander';
import { withFieldOverrides, type FieldMap } from '../../papers/paper-record.js';

/** Paper fields whose source field can be named by `--<field>-field`. */
const fieldFlags = [
  'id',
  'title',
  'abstract',
  'authors',
  'categories',
  'year',
  'date',
  'doi',
  'url',
  'arxiv-id',
  'type',
  'venue',
  'volume',
  'issue',
  'pages',
] as const;

/** `--id-field <name>` and the like: where each paper field is read from in the input's records. */
export function addFieldOptions(command: Command): Command {
  for (const flag of fieldFlags) command.option(`--${flag}-field <name>`, `read the paper's ${flag.replace('-', ' ')} from this field`);
  return command;
}

/** The field map the `--<field>-field` flags give (commander names `--arxiv-id-field` `arxivIdField`). */
export function fieldMapOf(flags: Record<string, unknown>): FieldMap {
  const overrideOf = (flag: (typeof fieldFlags)[number]): string | undefined => {
    const value = flags[`${flag.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())}Field`];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  return withFieldOverrides(Object.fromEntries(fieldFlags.map((flag) => [flag === 'arxiv-id' ? 'arxiv_id' : flag, overrideOf(flag)])));
}
