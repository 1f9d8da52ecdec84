// The SettingsStore port's contract (src/directory/settings.ts), one suite for every adapter
// (SQLite, PostgreSQL, the in-memory fake): each test file calls settingsContract with a factory
// that opens a fresh, empty store, a second one over the same storage, as another instance holds,
// and the same storage opened again, as after a restart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SettingsStore } from '../../src/directory/settings.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface SettingsFixture {
  store: SettingsStore;
  /** The same settings through a connection of its own. */
  another(): Promise<SettingsStore>;
  /**
   * The same storage opened again once `store` was closed (the SQLite file reopened), or the same
   * object where nothing can be reopened (the fake: one process's memory).
   */
  reopen(): Promise<SettingsStore>;
  /**
   * Writes a language straight into the storage, past the port's types: what a later version
   * that knows more languages (or an older one that knew others) may have left. None for the fake.
   */
  writeRaw(login: string, locale: string): Promise<void>;
  close(): Promise<void>;
}

export function settingsContract(name: string, factory: () => Promise<SettingsFixture>): void {
  describe(`SettingsStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('knows no language for someone who never chose one', async () => {
      const { store } = await fresh();
      assert.equal(await store.locale('alice'), undefined);
    });

    it('keeps the language set, the latest choice replacing the one before', async () => {
      const { store } = await fresh();
      await store.setLocale('alice', 'fr');
      assert.equal(await store.locale('alice'), 'fr');
      await store.setLocale('alice', 'en');
      assert.equal(await store.locale('alice'), 'en');
      await store.setLocale('alice', 'en'); // the same again changes nothing
      assert.equal(await store.locale('alice'), 'en');
    });

    it("keeps each login's own: one person's choice is nobody else's", async () => {
      const { store } = await fresh();
      await store.setLocale('alice', 'fr');
      await store.setLocale('bob', 'en');
      assert.equal(await store.locale('alice'), 'fr');
      assert.equal(await store.locale('bob'), 'en');
      assert.equal(await store.locale('Alice'), undefined, 'logins compare exactly');
      assert.equal(await store.locale('carol'), undefined);
    });

    it('shares the settings with another instance', async () => {
      const { store, another } = await fresh();
      const other = await another();
      await store.setLocale('dave', 'fr');
      assert.equal(await other.locale('dave'), 'fr');
      await other.setLocale('dave', 'en');
      assert.equal(await store.locale('dave'), 'en');
    });

    it('reads a language this version does not speak as no choice at all', async () => {
      const { store, writeRaw } = await fresh();
      await writeRaw('gina', 'xx');
      assert.equal(await store.locale('gina'), undefined);
      await store.setLocale('gina', 'fr'); // and a new choice replaces it
      assert.equal(await store.locale('gina'), 'fr');
    });

    it('still has them once the storage is opened again', async () => {
      const { store, reopen } = await fresh();
      await store.setLocale('erin', 'fr');
      await store.setLocale('frank', 'en');
      const again = await reopen();
      assert.equal(await again.locale('erin'), 'fr');
      assert.equal(await again.locale('frank'), 'en');
    });
  });
}
