import { ELO_HOME_EDGE, EloRatings, eloProbability } from './elo';
import { ScheduleState, type SideSchedule } from './schedule-state';

/*
 * The pre-game state of the league, walked forward one date at a time: `features` reads what is
 * known before a game, `record` adds a finished game. The table builder and the served
 * win-probability model both go through this one class, so training and serving see the same x.
 */

export const NBA_FEATURES = [
  'elo_gap_100', 'elo_prob',
  'home_rest', 'away_rest', 'home_b2b', 'away_b2b',
  'home_travel_1000km', 'away_travel_1000km', 'home_travel_week_1000km', 'away_travel_week_1000km',
  'home_games_week', 'away_games_week',
  'neutral', 'playoff',
] as const;

export const NBA_SEQUENCE_FEATURES = ['points_for', 'points_against', 'margin', 'win', 'rest', 'home', 'travel_1000km'] as const;

export interface NbaFixture {
  season: number;
  date: string;
  home: string;
  away: string;
  neutral: boolean;
  playoff: boolean;
  /** The team whose home city hosts the game (the designated home side unless known otherwise). */
  venue: string;
}

export interface NbaResult extends NbaFixture {
  homeScore: number;
  awayScore: number;
}

interface TeamGame {
  date: string;
  seq: number[];
}

export class NbaFeatureState {
  private elo = new EloRatings();
  private schedule = new ScheduleState();
  private readonly history = new Map<string, TeamGame[]>();

  /** keepHistory: false keeps no sequence rows (teamHistory answers nothing), for states served in many copies. */
  constructor(private readonly keepHistory = true) {}

  /** A copy that moves on independently (sequence rows are not copied). */
  clone(): NbaFeatureState {
    const c = new NbaFeatureState(false);
    c.elo = this.elo.clone();
    c.schedule = this.schedule.clone();
    return c;
  }

  features(g: NbaFixture): number[] {
    const h = this.elo.current(g.home, g.season), a = this.elo.current(g.away, g.season);
    const gap = h - a + (g.neutral ? 0 : ELO_HOME_EDGE);
    const hs = this.schedule.before(g.home, g.date, g.venue), as = this.schedule.before(g.away, g.date, g.venue);
    return [
      gap / 100, eloProbability(gap),
      hs.rest, as.rest, Number(hs.backToBack), Number(as.backToBack),
      hs.travelKm / 1000, as.travelKm / 1000, hs.travelWeekKm / 1000, as.travelWeekKm / 1000,
      hs.gamesWeek, as.gamesWeek,
      Number(g.neutral), Number(g.playoff),
    ];
  }

  record(g: NbaResult): void {
    if (this.keepHistory) {
      const hs = this.schedule.before(g.home, g.date, g.venue), as = this.schedule.before(g.away, g.date, g.venue);
      this.pushHistory(g.home, g.date, g.homeScore, g.awayScore, hs, 1);
      this.pushHistory(g.away, g.date, g.awayScore, g.homeScore, as, 0);
    }
    this.elo.update(g.home, g.away, g.season, g.neutral, g.homeScore - g.awayScore);
    this.schedule.record(g.home, g.date, g.venue);
    this.schedule.record(g.away, g.date, g.venue);
  }

  /** At most n of the team's games strictly before the date, most recent last. */
  teamHistory(team: string, beforeDate: string, n: number): number[][] {
    const list = this.history.get(team) ?? [];
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.date < beforeDate) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(Math.max(0, lo - n), lo).map((t) => [...t.seq]);
  }

  private pushHistory(team: string, date: string, pf: number, pa: number, s: SideSchedule, home: number): void {
    const list = this.history.get(team) ?? [];
    list.push({ date, seq: [pf, pa, pf - pa, pf > pa ? 1 : 0, s.rest, home, s.travelKm / 1000] });
    this.history.set(team, list);
  }
}
