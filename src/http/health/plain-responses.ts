import Type, { type TSchema } from 'typebox';

/** What src/http/errors/plain-errors.ts answers: a line of text. */
export const PlainError = Type.String({ description: 'what went wrong, in plain text' });

/** A plain-surface route's answers: its own, and plain-text errors. */
export const plainResponses = <T extends Record<number, TSchema>>(answers: T) => ({ ...answers, '4xx': PlainError, '5xx': PlainError });
