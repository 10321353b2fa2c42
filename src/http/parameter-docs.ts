import { z } from 'zod';

/** A JSON Schema object, as the OpenAPI document holds it. */
export type JsonSchema = Record<string, unknown>;

const documented = new WeakMap<object, JsonSchema>();

/**
 * Describes a query parameter in the OpenAPI document as the value it stands for (an integer, a
 * boolean, a list of names) rather than as the string it arrives as, so that generated clients
 * type and send it as such. The schema itself still parses the string.
 */
export function documentedAs<Schema extends z.ZodType>(schema: Schema, json: JsonSchema): Schema {
  documented.set(schema, json);
  return schema;
}

/** The document's description of a query parameter's schema, if it was given one (documentedAs). */
function parameterDocOf(schema: object): JsonSchema | undefined {
  return documented.get(schema);
}

/** Shapes described once, under their names, and referred to wherever they are used. */
export interface NamedSchemas {
  names: ReadonlyMap<z.ZodType, string>;
  /** The named shapes met so far, by name, as `components.schemas` holds them. */
  described: Record<string, JsonSchema>;
}

/**
 * zod's metadata with the names of `named` as ids, which it describes once under `$defs` and
 * refers to; zod reads a registry by `get` alone.
 */
function metadataNaming(named: NamedSchemas): z.core.$ZodRegistry<z.core.JSONSchemaMeta> {
  return {
    get: (schema: z.ZodType) => {
      const name = named.names.get(schema);
      const meta = z.globalRegistry.get(schema);
      return name === undefined ? meta : { ...meta, id: name };
    },
  } as unknown as z.core.$ZodRegistry<z.core.JSONSchemaMeta>;
}

/**
 * A zod schema as the OpenAPI document describes it: its JSON Schema (draft 2020-12), with the
 * description documentedAs gave any part of it in place of what zod generates for that part. With
 * `named`, the parts it names are referred to as `#/components/schemas/<name>` and described in
 * `named.described` (a name described two ways is an error: the document would contradict itself).
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output', named?: NamedSchemas): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    ...(named ? { metadata: metadataNaming(named) } : {}),
    override: ({ zodSchema, jsonSchema: generated }) => {
      const documented = parameterDocOf(zodSchema);
      if (!documented) return;
      for (const key of Object.keys(generated)) delete (generated as JsonSchema)[key];
      Object.assign(generated, documented);
    },
  }) as JsonSchema;
  if (!named) return rest;
  const referred = JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const { $defs: definitions = {}, ...described } = referred;
  const rootName = named.names.get(schema);
  // zod describes a named root under $defs itself, and answers a reference to it.
  if (rootName !== undefined) definitions[rootName] ??= described;
  for (const [name, definition] of Object.entries(definitions)) {
    const known = named.described[name];
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(definition)) throw new Error(`The schema ${name} is described two ways (as ${io}).`);
    named.described[name] = definition;
  }
  return rootName === undefined ? described : { $ref: `#/components/schemas/${rootName}` };
}
