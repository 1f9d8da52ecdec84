// The order every directory adapter that writes its own rows follows for a registration (see
// Registration in directory.ts): stage the certificate record, write the entry, confirm — and undo
// what was done when a step fails. The adapter supplies the two writes; a UNIQUE refusal of the
// insert comes back from `conflictOf` as the field it names.
import type { Registration, UniqueField } from './directory.ts';
import { conflictError } from './conflict.ts';

export interface EntryWrites {
  insert(): Promise<void>;
  /** Removes this registration's entry only (the same login with another certificate is someone else's). */
  remove(): Promise<void>;
  /** The field a refused insert collided on, if that is why it was refused. */
  conflictOf(err: unknown): UniqueField | undefined;
}

export async function registerInOrder(r: Registration, w: EntryWrites): Promise<void> {
  try {
    await r.stage();
  } catch (err) {
    // Staging writes one row or none; make sure it is none.
    await r.discard();
    throw err;
  }
  try {
    await w.insert();
  } catch (err) {
    await r.discard();
    // Two registrations raced past findConflicts: the UNIQUE constraint is the final word.
    const field = w.conflictOf(err);
    if (field) throw conflictError(field);
    throw err;
  }
  try {
    await r.confirm();
  } catch (err) {
    await w.remove();
    await r.discard();
    throw err;
  }
}
