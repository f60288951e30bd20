import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema> };

// Only plain decimal text becomes a number: TypeBox's own conversion also takes "1.5" as 1 and "0x10" as 16.
const DECIMAL = /^-?\d+(\.\d+)?$/;

function convert(schema: JsonSchema, value: unknown): unknown {
  if (!schema.properties || typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, property] of Object.entries(schema.properties)) {
    const raw = out[key];
    if (typeof raw !== 'string') continue;
    if ((property.type === 'integer' || property.type === 'number') && DECIMAL.test(raw)) out[key] = Number(raw);
    else if (property.type === 'boolean' && (raw === 'true' || raw === 'false')) out[key] = raw === 'true';
  }
  return out;
}

/** TypeBox validation; bodies exactly as sent, query strings and path parameters converted strictly. */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value) => {
    const converted = httpPart === 'body' ? value : convert(schema as JsonSchema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: [...check.Errors(converted)] as never };
  };
};
