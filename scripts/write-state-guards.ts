// Writes the state-guard migration (the custom migration drizzle-kit left empty) from queue/states.ts.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '../coordinator/src/db/migrate';
import { stateGuardsSql } from '../coordinator/src/db/state-guards';

const file = readdirSync(migrationsFolder).find((f) => /^\d{4}_state_guards\.sql$/.test(f));
if (!file) throw new Error('no NNNN_state_guards.sql migration to write');
writeFileSync(join(migrationsFolder, file), stateGuardsSql());
console.log(`wrote migrations/${file}`);
