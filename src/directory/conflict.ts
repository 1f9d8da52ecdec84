import { DomainError } from '../protocol/errors.ts';
import type { UniqueField } from './directory.ts';
import { errorText, joinSaid, type Said } from '../protocol/error-messages.ts';

const MESSAGES = {
  login: errorText('error.taken.login'),
  email: errorText('error.taken.email'),
  cardNumber: errorText('error.taken.cardNumber'),
} satisfies Record<UniqueField, Said>;

/**
 * Protocol §2: `409 conflict` naming every field already taken in `fields`, so the form can mark
 * them all at once; `field` (the first of login, email, card number) keeps version 1's shape.
 */
export function conflictError(taken: UniqueField | readonly UniqueField[]): DomainError {
  const list = typeof taken === 'string' ? [taken] : taken;
  const fields = Object.fromEntries(list.map((f) => [f, MESSAGES[f]]));
  return new DomainError('conflict', joinSaid(list.map((f) => MESSAGES[f])), fields, { field: list[0] });
}
