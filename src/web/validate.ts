// One schema per route: parse the JSON body with it, or answer 400 `validation` naming every field.
import type { Context } from 'hono';
import * as v from 'valibot';
import { issuesToFields } from '../protocol/enroll.ts';
import { validationError } from '../protocol/errors.ts';
import { pickFields, readJsonBody } from './body.ts';

export async function jsonBody<S extends v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>>(
  c: Context,
  schema: S,
): Promise<v.InferOutput<S>> {
  return parseFields(schema, pickFields(await readJsonBody(c), Object.keys(schema.entries)));
}

/** The output of `schema` for `body`, or 400 `validation` naming every field to fix. */
export function parseFields<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, body);
  if (parsed.success) return parsed.output;
  throw validationError(issuesToFields(parsed.issues));
}
