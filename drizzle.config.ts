import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './coordinator/src/db/schema/index.ts',
  out: './migrations',
});
