import type { FastifySerializerCompiler } from 'fastify/types/schema.js';

/**
 * JSON.stringify instead of fast-json-stringify, for routes whose response schemas describe their
 * answers without shaping them: fast-json-stringify writes required properties first and drops
 * what a schema does not name, which would reorder the platform's contact and token bodies and
 * could silently lose a field of a control answer. test/emulator/route-answers.test.ts checks the
 * answers against the schemas instead. The system status APIs keep fast-json-stringify, except
 * batch_open's and batch_close's answers: their result lists are built in the schemas' key order,
 * and JSON.stringify writes fifty results with a third of the garbage of text built piece by piece
 * (bench/analysis.md, thirteenth session).
 */
export const describeOnly: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);
