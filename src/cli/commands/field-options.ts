import type { Command } from 'commander';
import { defaultFieldMap, withFieldOverrides, type FieldMap } from '../../papers/paper-record.js';

/** Paper fields whose source field can be named by `--<field>-field`: every field of the map. */
const fields = Object.keys(defaultFieldMap) as (keyof FieldMap)[];

/** A field's flag word: `arxiv_id` is `--arxiv-id-field`. */
const flagOf = (field: keyof FieldMap): string => field.replaceAll('_', '-');

/** `--id-field <name>` and the like: where each paper field is read from in the input's records. */
export function addFieldOptions(command: Command): Command {
  for (const field of fields) command.option(`--${flagOf(field)}-field <name>`, `read the paper's ${field.replaceAll('_', ' ')} from this field`);
  return command;
}

/** The field map the `--<field>-field` flags give (commander names `--arxiv-id-field` `arxivIdField`). */
export function fieldMapOf(flags: Record<string, unknown>): FieldMap {
  const overrideOf = (field: keyof FieldMap): string | undefined => {
    const value = flags[`${flagOf(field).replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())}Field`];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  return withFieldOverrides(Object.fromEntries(fields.map((field) => [field, overrideOf(field)])));
}
