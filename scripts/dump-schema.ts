// Writes migrations/schema.sql: the schema the migrations produce, for review.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPglite } from '../coordinator/src/db/index';
import { migrateEmbedded, migrationsFolder } from '../coordinator/src/db/migrate';
import { dumpSchema } from '../coordinator/src/db/schema-dump';

const db = await openPglite();
await migrateEmbedded(db);
writeFileSync(join(migrationsFolder, 'schema.sql'), await dumpSchema(db));
await db.close();
console.log('wrote migrations/schema.sql');
