#!/usr/bin/env bash
# Until the first release, the schema is two migrations, both regenerated: `init` from
# coordinator/src/db/schema, and `state_guards` (triggers drizzle-kit cannot express) from
# coordinator/src/queue/states.ts; then the schema dump beside them. Serialised with a lock so
# concurrent runs cannot interleave.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/nfl-grid-migrations.lock
flock 9
rm -rf migrations/[0-9][0-9][0-9][0-9]_*.sql migrations/meta
npx drizzle-kit generate --name init >/dev/null
npx drizzle-kit generate --custom --name state_guards >/dev/null
node --import tsx scripts/write-state-guards.ts
node --import tsx scripts/dump-schema.ts
