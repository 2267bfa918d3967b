import { Decoder, Field, Fields, shapeOf } from "./decoders";
import { schema } from "./schema";

function decoderOf(field: Field<unknown> | Decoder<unknown>): Decoder<unknown> {
  return typeof field === "function" ? field : field.decode;
}

function walk(decoder: Decoder<unknown>, path: string, out: string[]): void {
  const shape = shapeOf(decoder);
  if (shape.fields) walkFields(shape.fields, path, out);
  else if (shape.item) walk(shape.item, `${path}[]`, out);
}

function walkFields(fields: Fields, prefix: string, out: string[]): void {
  for (const [key, field] of Object.entries(fields)) {
    const path = prefix.endsWith(":") ? `${prefix}${key}` : `${prefix}.${key}`;
    out.push(path);
    walk(decoderOf(field as Field<unknown> | Decoder<unknown>), path, out);
  }
}

/** Every config key path regstack reads, e.g. `regstack:users[].password` (for docs and their test). */
export function configKeyPaths(): string[] {
  const out: string[] = [];
  walkFields(schema as unknown as Fields, "regstack:", out);
  return out;
}
