import type { DatasetRows } from '../shared/src/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../shared/src/data/local';
import { devigHomeProbability, type NbaGameRow } from '../shared/src/data/oddsportal-nba';
import { EloTimeline, eloWinProbability } from '../shared/src/nba-schedule/elo';
import { closeness, dayNumber, type Slot } from '../shared/src/nba-schedule/problem';
import { solveSlots } from '../coordinator/src/nba/schedule/solve-slots';

/*
 * npm run eval:nba-schedule: the national-TV choice on past regular seasons, week by week.
 * Setup: calendar weeks (Monday–Sunday); three national slots a week, one each on Wednesday,
 * Thursday and Saturday (any game of that day fits: the data has no tip times); a team at most
 * once a week and never national on consecutive days; a slot whose day has no game stays empty.
 * Strategies, each the exact MILP optimum of its own values:
 *   fixed      closeness from Elo ratings at the season's start (the schedule made before the season)
 *   flex       closeness from Elo ratings one week before the week starts (a week's notice)
 *   close      closeness from the game-day de-vigged closing line (not known a week ahead: a ceiling)
 *   hindsight  100 − |final margin| (the best possible, from the results)
 * Reported per strategy over its chosen games: closeness by the closing line, mean |margin|, share
 * decided by ≤ 5 points; flex against fixed: slots changed and the paired |margin| difference ± SE.
 */

const FIRST = Number(process.argv[2] ?? 2012), LAST = Number(process.argv[3] ?? 2024);
const SLOT_DAYS = [3, 4, 6]; // Wed, Thu, Sat (getUTCDay)
const STRATEGIES = ['fixed', 'flex', 'close', 'hindsight'] as const;
type Strategy = (typeof STRATEGIES)[number];

const rows = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');
const elo = new EloTimeline(rows);
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const margin = (g: NbaGameRow) => Math.abs(g.homeScore - g.awayScore);
const market = (g: NbaGameRow) => devigHomeProbability(g.homeMoneyline, g.awayMoneyline);

interface Pick { season: number; week: number; slot: number; game: NbaGameRow }
const picks: Record<Strategy, Pick[]> = { fixed: [], flex: [], close: [], hindsight: [] };

for (let season = FIRST; season <= LAST; season++) {
  const games = rows.filter((r) => r.season === season && r.seasonType === 'regular').sort((a, b) => a.date.localeCompare(b.date));
  const opener = games[0]!.date;
  const preseason = elo.before(opener);
  const firstMonday = dayNumber(opener) - ((new Date(`${opener}T00:00:00Z`).getUTCDay() + 6) % 7);
  const lastDay = dayNumber(games.at(-1)!.date);
  for (let monday = firstMonday, week = 0; monday <= lastDay; monday += 7, week++) {
    const slotDates = SLOT_DAYS.map((d) => dateOf(monday + ((d + 6) % 7)));
    const slate = games.filter((g) => slotDates.includes(g.date));
    if (slate.length === 0) continue;
    const slots: Slot[] = slotDates.map((date) => ({ date, window: `week ${week}` }));
    const notice = dateOf(Math.max(monday - 7, dayNumber(opener)));
    const ratingsThen = elo.before(notice);
    const values: Record<Strategy, number[]> = {
      fixed: slate.map((g) => closeness(eloWinProbability(preseason.get(g.home!) ?? 1505, preseason.get(g.away!) ?? 1505, g.neutral))),
      flex: slate.map((g) => closeness(eloWinProbability(ratingsThen.get(g.home!) ?? 1505, ratingsThen.get(g.away!) ?? 1505, g.neutral))),
      close: slate.map((g) => closeness(market(g) ?? 0.5)),
      hindsight: slate.map((g) => 100 - margin(g)),
    };
    for (const s of STRATEGIES) {
      const { assignment } = await solveSlots({ games: slate.map((g) => ({ home: g.home!, away: g.away!, date: g.date })), slots, values: values[s], fillAll: false });
      assignment.forEach((gi, slot) => { if (gi !== null) picks[s].push({ season, week, slot, game: slate[gi]! }); });
    }
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const se = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
const allRegular = rows.filter((r) => r.season >= FIRST && r.season <= LAST && r.seasonType === 'regular');
const summary = (name: string, gs: NbaGameRow[]) => {
  const priced = gs.filter((g) => market(g) !== null);
  return `| ${name} | ${gs.length} | ${mean(priced.map((g) => closeness(market(g)!))).toFixed(3)} | ${mean(gs.map(margin)).toFixed(2)} | ${(100 * mean(gs.map((g) => (margin(g) <= 5 ? 1 : 0)))).toFixed(1)}% |`;
};
console.log(`Regular seasons ${FIRST}–${LAST}, 3 national slots a week (Wed, Thu, Sat).\n`);
console.log('| strategy | games | closeness by the close | mean abs margin | decided by ≤ 5 |');
console.log('|---|---|---|---|---|');
console.log(summary('every game (reference)', allRegular));
for (const s of STRATEGIES) console.log(summary(s, picks[s].map((p) => p.game)));

const key = (p: Pick) => `${p.season}/${p.week}/${p.slot}`;
const fixedBySlot = new Map(picks.fixed.map((p) => [key(p), p.game]));
const paired = (s: Strategy) => picks[s].filter((p) => fixedBySlot.has(key(p))).map((p) => ({ a: p.game, b: fixedBySlot.get(key(p))! }));
console.log('\nAgainst the fixed schedule, slot by slot (slots both filled):\n');
console.log('| strategy | slots | slot changed | Δ mean abs margin (± SE) | Δ share ≤ 5 (± SE) |');
console.log('|---|---|---|---|---|');
for (const s of ['flex', 'close', 'hindsight'] as const) {
  const pairs = paired(s);
  const dm = pairs.map(({ a, b }) => margin(a) - margin(b));
  const d5 = pairs.map(({ a, b }) => (margin(a) <= 5 ? 1 : 0) - (margin(b) <= 5 ? 1 : 0));
  const changed = mean(pairs.map(({ a, b }) => (a === b ? 0 : 1)));
  console.log(`| ${s} | ${pairs.length} | ${(100 * changed).toFixed(1)}% | ${mean(dm).toFixed(2)} ± ${se(dm).toFixed(2)} | ${(100 * mean(d5)).toFixed(1)} ± ${(100 * se(d5)).toFixed(1)} pts |`);
}
console.log('\nBy season, mean abs margin of the chosen games (fixed / flex / close / hindsight) and flex slots changed:\n');
console.log('| season | fixed | flex | close | hindsight | flex changed |');
console.log('|---|---|---|---|---|---|');
for (let season = FIRST; season <= LAST; season++) {
  const m = (s: Strategy) => mean(picks[s].filter((p) => p.season === season).map((p) => margin(p.game))).toFixed(2);
  const pairs = paired('flex').filter((_, i) => picks.flex.filter((p) => fixedBySlot.has(key(p)))[i]!.season === season);
  console.log(`| ${season} | ${m('fixed')} | ${m('flex')} | ${m('close')} | ${m('hindsight')} | ${(100 * mean(pairs.map(({ a, b }) => (a === b ? 0 : 1)))).toFixed(0)}% |`);
}
