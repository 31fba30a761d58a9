import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { ModelMetrics, ModelView, PromotionDecision } from '@nfl-grid/shared/api/console-types';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { batchIn, EVERYTHING, type Scope } from '../auth/access';
import type { Db, Tx } from '../db/index';
import { sqlState } from '../db/index';
import { modelArtifacts, models } from '../db/schema/index';
import { BadRequest, Conflict, NotFound } from '../errors';
import type { RegisterModelBody } from './api-schemas';

/** A registration as callers build it: sport and family default to the cover model's (nfl, mlp). */
export type NewModel = Omit<RegisterModelBody, 'sport' | 'modelType'> & Partial<Pick<RegisterModelBody, 'sport' | 'modelType'>>;
import { ArtifactError, parseCoverArtifact, type CoverArtifact } from './cover-predictor';
import { parseNbaArtifact } from '../nba/nba-artifact';

/*
 * The model registry's rows: register a candidate (artifact stored by sha256), read, and the two
 * state changes, promotion and rollback, each one transaction. The partial unique index
 * models_one_production_idx keeps one production version per name even when two promotions race.
 */

export type ModelRow = typeof models.$inferSelect;
export type ModelState = ModelRow['state'];

/** A row as the API answers it; the jsonb columns hold what registration and promotion wrote. */
export function modelView(m: ModelRow): ModelView {
  return {
    id: m.id, name: m.name, version: m.version, state: m.state, kernel: m.kernel, params: m.params,
    dataHashes: m.dataHashes as Record<string, string>, lineage: { batchId: m.batchId, wuIds: m.wuIds },
    metrics: m.metrics as ModelMetrics, heldOutSeasons: m.heldOutSeasons, artifactSha256: m.artifactSha256,
    replacesId: m.replacesId, decision: m.decision as PromotionDecision | null,
    createdAt: m.createdAt, promotedAt: m.promotedAt, archivedAt: m.archivedAt,
  };
}

/** Parses the artifact as its sport serves it (400 naming the field when it cannot be served) and stores it by hash. */
async function storeArtifact(db: Db | Tx, raw: unknown, sport: RegisterModelBody['sport'] = 'nfl'): Promise<{ sha256: string; artifact: CoverArtifact }> {
  let artifact: CoverArtifact;
  try {
    artifact = sport === 'nba' ? parseNbaArtifact(raw) : parseCoverArtifact(raw);
  } catch (e) {
    if (e instanceof ArtifactError) throw new BadRequest(e.message, e.field, 'bad_artifact');
    throw e;
  }
  const body = canonicalJson(artifact);
  const sha256 = await sha256Hex(body);
  await db.orm.insert(modelArtifacts).values({ sha256, format: artifact.format, body, bytes: Buffer.byteLength(body) }).onConflictDoNothing();
  return { sha256, artifact };
}

/** The stored JSON of an artifact, its hash checked. */
export async function loadArtifactJson(db: Db, sha256: string): Promise<unknown> {
  const [row] = await db.orm.select().from(modelArtifacts).where(eq(modelArtifacts.sha256, sha256));
  if (!row) throw new NotFound(`artifact ${sha256}`);
  if (await sha256Hex(row.body) !== sha256) throw new Error(`artifact ${sha256} does not match its hash`);
  return JSON.parse(row.body);
}

/** The artifact of a cover model, its hash checked. */
export async function loadArtifact(db: Db, sha256: string): Promise<CoverArtifact> {
  return parseCoverArtifact(await loadArtifactJson(db, sha256));
}

/** A stored model as the registration body it came from: what data/models/cover/*.json hold and POST /api/v1/models takes. */
export async function modelRecord(db: Db, row: ModelRow): Promise<Omit<RegisterModelBody, 'artifact'> & { artifact: CoverArtifact }> {
  return {
    name: row.name, kernel: row.kernel, sport: row.sport as RegisterModelBody['sport'], modelType: row.modelType, params: row.params as Record<string, unknown>, dataHashes: row.dataHashes as Record<string, string>,
    batchId: row.batchId, wuIds: row.wuIds, metrics: row.metrics as RegisterModelBody['metrics'], heldOutSeasons: row.heldOutSeasons,
    artifact: await loadArtifact(db, row.artifactSha256),
  };
}

/** Registers a new version of `body.name` (next version number) in `state` (default candidate). */
export async function registerModel(db: Db, body: NewModel, createdBy: string | null, state: ModelState = 'candidate'): Promise<ModelRow> {
  const { sha256 } = await storeArtifact(db, body.artifact, body.sport);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction((tx) => insertModel(tx, body, sha256, createdBy, state));
    } catch (e) {
      // two registrations of one name took the same version number (or, seeding, a production one existed): try again
      if (sqlState(e) === '23505' && attempt < 3) continue;
      if (sqlState(e) === '23505') throw new Conflict(`${body.name}: a concurrent registration took the version or the production place`, 'version_taken');
      if (sqlState(e) === '23503') throw new BadRequest('no such batch', 'batchId', 'invalid_field');
      throw e;
    }
  }
}

/** The next version of the name; registrations of one name take turns on a lock held to their commit. */
async function insertModel(tx: Tx, body: NewModel, sha256: string, createdBy: string | null, state: ModelState): Promise<ModelRow> {
  await tx.rows(sql`SELECT pg_advisory_xact_lock(hashtext(${`nfl-grid.models:${body.name}`}))`);
  const [{ next } = { next: 1 }] = await tx.rows<{ next: number }>(sql`SELECT coalesce(max(version), 0) + 1 AS next FROM models WHERE name = ${body.name}`);
  const [row] = await tx.orm.insert(models).values({
    name: body.name, version: Number(next), kernel: body.kernel, sport: body.sport ?? 'nfl', modelType: body.modelType ?? 'mlp', params: body.params, dataHashes: body.dataHashes,
    batchId: body.batchId, wuIds: body.wuIds, metrics: body.metrics, heldOutSeasons: body.heldOutSeasons,
    artifactSha256: sha256, state, createdBy, promotedAt: state === 'production' ? new Date() : null,
  }).returning();
  return row!;
}

/** Registers a candidate inside the caller's transaction (the assimilator's), so it commits with what produced it. */
export async function registerModelIn(tx: Tx, body: NewModel): Promise<ModelRow> {
  const { sha256 } = await storeArtifact(tx, body.artifact, body.sport);
  return insertModel(tx, body, sha256, null, 'candidate');
}

/** SQL: a registry model the scope may read: one trained from its batches, or the grid's own (no batch). */
function readableIn(scope: Scope): SQL | undefined {
  return scope.all ? undefined : sql`(${models.batchId} IS NULL OR ${batchIn(scope, models.batchId)})`;
}

export async function listModels(db: Db, q: { name?: string; state?: ModelState }, scope: Scope = EVERYTHING): Promise<ModelRow[]> {
  const where = and(q.name ? eq(models.name, q.name) : undefined, q.state ? eq(models.state, q.state) : undefined, readableIn(scope));
  return db.orm.select().from(models).where(where).orderBy(models.name, desc(models.version)).limit(1000);
}

export async function getModel(db: Db, id: string, scope: Scope = EVERYTHING): Promise<ModelRow> {
  const [row] = await db.orm.select().from(models).where(and(eq(models.id, id), readableIn(scope)));
  if (!row) throw new NotFound('model', 'id');
  return row;
}

export async function productionModel(db: Db, name: string): Promise<ModelRow | null> {
  const [row] = await db.orm.select().from(models).where(and(eq(models.name, name), eq(models.state, 'production')));
  return row ?? null;
}

export async function countModels(db: Db, name: string): Promise<number> {
  const [r] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM models WHERE name = ${name}`);
  return Number(r?.n ?? 0);
}

function conflictOnRace(e: unknown, name: string): never {
  if (sqlState(e) === '23505') throw new Conflict(`another change to ${name}'s production version came first; try again`, 'production_changed');
  throw e;
}

/** Makes `id` production in place of `expectedCurrent` (archived); 409 when production moved meanwhile. */
export async function makeProduction(db: Db, id: string, expectedCurrent: string | null, decision: unknown): Promise<ModelRow> {
  try {
    return await db.transaction(async (tx) => {
      const [m] = await tx.rows<{ name: string; state: ModelState }>(sql`SELECT name, state FROM models WHERE id = ${id} FOR UPDATE`);
      if (!m) throw new NotFound('model', 'id');
      const [cur] = await tx.rows<{ id: string }>(sql`SELECT id FROM models WHERE name = ${m.name} AND state = 'production' FOR UPDATE`);
      if ((cur?.id ?? null) !== expectedCurrent) throw new Conflict(`${m.name}'s production version changed during the evaluation; promote again`, 'production_changed');
      const now = new Date();
      if (cur) await tx.orm.update(models).set({ state: 'archived', archivedAt: now }).where(eq(models.id, cur.id));
      const [row] = await tx.orm.update(models).set({ state: 'production', promotedAt: now, archivedAt: null, replacesId: cur?.id ?? null, decision })
        .where(eq(models.id, id)).returning();
      return row!;
    });
  } catch (e) {
    return conflictOnRace(e, id);
  }
}

export async function recordDecision(db: Db, id: string, decision: unknown): Promise<void> {
  await db.orm.update(models).set({ decision }).where(eq(models.id, id));
}

/**
 * Rolls the production version `id` back: the version it replaced (if any) is production again,
 * `id` is archived. Returns the restored version, or null when the name is left without one.
 */
export async function rollbackModel(db: Db, id: string): Promise<{ archived: ModelRow; restored: ModelRow | null }> {
  try {
    return await db.transaction(async (tx) => {
      const [m] = await tx.rows<{ state: ModelState; replaces_id: string | null }>(sql`SELECT state, replaces_id FROM models WHERE id = ${id} FOR UPDATE`);
      if (!m) throw new NotFound('model', 'id');
      if (m.state !== 'production') throw new Conflict(`model ${id} is ${m.state}, not production: only the production version is rolled back`, 'not_production', 'id');
      const now = new Date();
      const [archived] = await tx.orm.update(models).set({ state: 'archived', archivedAt: now }).where(eq(models.id, id)).returning();
      let restored: ModelRow | null = null;
      if (m.replaces_id) {
        [restored = null] = await tx.orm.update(models).set({ state: 'production', promotedAt: now, archivedAt: null })
          .where(and(eq(models.id, m.replaces_id), eq(models.state, 'archived'))).returning();
      }
      return { archived: archived!, restored };
    });
  } catch (e) {
    return conflictOnRace(e, id);
  }
}
