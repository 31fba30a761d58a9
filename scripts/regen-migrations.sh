#!/usr/bin/env bash
# Until the first release, the schema is one migration: regenerate it from coordinator/src/db/schema
# (and the schema dump beside it). Serialised with a lock so concurrent runs cannot interleave.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/nfl-grid-migrations.lock
flock 9
rm -rf migrations/0000_*.sql migrations/meta
npx drizzle-kit generate --name init >/dev/null
node --import tsx scripts/dump-schema.ts
