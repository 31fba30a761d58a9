import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestDb, dbKinds, type TestDb } from '../../../test/support/test-db';
import { migrationsFolder } from './migrate';
import { dumpSchema } from './schema-dump';

const opened: TestDb[] = [];
afterAll(async () => { for (const d of opened) await d.drop(); });

describe.each(dbKinds())('committed schema dump on %s', (kind) => {
  it('matches what the migrations produce (run `npm run db:generate` after a schema change)', async () => {
    const t = await openTestDb(kind);
    opened.push(t);
    const committed = readFileSync(join(migrationsFolder, 'schema.sql'), 'utf8');
    expect(await dumpSchema(t.db)).toBe(committed);
  });
});
