import { DomainError } from '../protocol/errors.ts';
import type { UniqueField } from './directory.ts';

const MESSAGES: Record<UniqueField, string> = {
  login: 'This login is taken; choose another one.',
  email: 'An account already uses this email address.',
  cardNumber: 'An account is already registered with this card number.',
};

/**
 * Protocol §2: `409 conflict` naming every field already taken in `fields`, so the form can mark
 * them all at once; `field` (the first of login, email, card number) keeps version 1's shape.
 */
export function conflictError(taken: UniqueField | readonly UniqueField[]): DomainError {
  const list = typeof taken === 'string' ? [taken] : taken;
  const fields = Object.fromEntries(list.map((f) => [f, MESSAGES[f]]));
  return new DomainError('conflict', list.map((f) => MESSAGES[f]).join(' '), fields, { field: list[0] });
}
