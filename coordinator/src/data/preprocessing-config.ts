import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { FEATURE_SETS, type FeatureSet } from '@nfl-grid/shared/learn/cover-rows';
import { recordEvent } from '../auth/audit-log';
import type { Db } from '../db/index';
import { preprocessingConfigs } from '../db/schema/index';

/*
 * The preprocessing config of the play-by-play pipeline, one per database (name `cover`):
 *   seasons       which seasons' plays are read (2009–2019)
 *   keepOvertime  whether plays of overtime periods (qtr ≥ 5) are kept
 *   keepPlayoffs  whether plays of playoff games are kept
 *   push          how a game whose favourite wins by exactly the line is treated: 'drop' (its
 *                 plays have no 1/0 label; the parser drops them and counts them)
 *   featureSet    the feature columns built: 'state' (t, lead, line, leadVsLine, coverZ) or
 *                 'full' (adds possession, field position, down and distance)
 * Strict: an unknown field is refused, naming it. A PUT replaces the whole config.
 */

const CONFIG_NAME = 'cover';

const Season = z.number().int().refine((s) => (GAMESTATE_SEASONS as readonly number[]).includes(s), {
  message: `a season of the play-by-play data: ${GAMESTATE_SEASONS[0]}–${GAMESTATE_SEASONS[GAMESTATE_SEASONS.length - 1]}`,
});

export const PreprocessingConfig = z.strictObject({
  seasons: z.array(Season).min(1).refine((a) => new Set(a).size === a.length, { message: 'seasons must not repeat' }),
  keepOvertime: z.boolean(),
  keepPlayoffs: z.boolean(),
  push: z.literal('drop'),
  featureSet: z.enum(Object.keys(FEATURE_SETS) as [FeatureSet, ...FeatureSet[]]),
});
export type PreprocessingConfig = z.output<typeof PreprocessingConfig>;

export const DEFAULT_PREPROCESSING: PreprocessingConfig = {
  seasons: [...GAMESTATE_SEASONS], keepOvertime: true, keepPlayoffs: true, push: 'drop', featureSet: 'state',
};

export interface StoredConfig {
  config: PreprocessingConfig;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** The stored config, or the default when none was ever put. */
export async function readPreprocessingConfig(db: Db): Promise<StoredConfig> {
  const [row] = await db.orm.select().from(preprocessingConfigs).where(eq(preprocessingConfigs.name, CONFIG_NAME)).limit(1);
  if (!row) return { config: DEFAULT_PREPROCESSING, updatedAt: null, updatedBy: null };
  return { config: PreprocessingConfig.parse(row.config), updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

/** Replaces the config, with the old and new values in the audit log, in one transaction. */
export async function writePreprocessingConfig(db: Db, config: PreprocessingConfig, actor: string): Promise<StoredConfig> {
  return db.transaction(async (tx) => {
    const [old] = await tx.orm.select().from(preprocessingConfigs).where(eq(preprocessingConfigs.name, CONFIG_NAME)).for('update');
    const now = new Date();
    await tx.orm.insert(preprocessingConfigs).values({ name: CONFIG_NAME, config, updatedBy: actor, updatedAt: now })
      .onConflictDoUpdate({ target: preprocessingConfigs.name, set: { config, updatedBy: actor, updatedAt: now } });
    await recordEvent(tx, 'data.preprocessing_config', CONFIG_NAME, actor, { before: old?.config ?? null, after: config });
    return { config, updatedAt: now, updatedBy: actor };
  });
}
