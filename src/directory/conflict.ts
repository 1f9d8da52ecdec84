import { DomainError } from '../protocol/errors.ts';
import type { UniqueField } from './directory.ts';

const MESSAGES: Record<UniqueField, string> = {
  login: 'This login is taken; choose another one.',
  email: 'An account already uses this email address.',
  cardNumber: 'An account is already registered with this card number.',
};

/** Protocol §2: `409 conflict`, naming the field (as `field` and in `fields`). */
export function conflictError(field: UniqueField): DomainError {
  return new DomainError('conflict', MESSAGES[field], { [field]: MESSAGES[field] }, { field });
}
