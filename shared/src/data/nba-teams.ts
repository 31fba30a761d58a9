/*
 * The 30 NBA franchises under the names OddsPortal uses for every season (today's names: the
 * 2008 Seattle SuperSonics are "Oklahoma City Thunder", the New Orleans Hornets "New Orleans
 * Pelicans"). The location is the home arena's city centre (public coordinates, rounded to 0.1°),
 * used only for travel distances; `tz` is the home time zone's standard UTC offset in hours.
 * Franchises that moved inside the data's span: Seattle → Oklahoma City (2008, before the first
 * regular-season game here) and New Jersey → Brooklyn (2012; 15 km, kept at Brooklyn).
 */

export interface NbaTeam {
  id: string;
  name: string;
  conference: 'East' | 'West';
  lat: number;
  lon: number;
  tz: number;
}

export const NBA_TEAMS: readonly NbaTeam[] = [
  { id: 'ATL', name: 'Atlanta Hawks', conference: 'East', lat: 33.8, lon: -84.4, tz: -5 },
  { id: 'BOS', name: 'Boston Celtics', conference: 'East', lat: 42.4, lon: -71.1, tz: -5 },
  { id: 'BKN', name: 'Brooklyn Nets', conference: 'East', lat: 40.7, lon: -74.0, tz: -5 },
  { id: 'CHA', name: 'Charlotte Hornets', conference: 'East', lat: 35.2, lon: -80.8, tz: -5 },
  { id: 'CHI', name: 'Chicago Bulls', conference: 'East', lat: 41.9, lon: -87.7, tz: -6 },
  { id: 'CLE', name: 'Cleveland Cavaliers', conference: 'East', lat: 41.5, lon: -81.7, tz: -5 },
  { id: 'DAL', name: 'Dallas Mavericks', conference: 'West', lat: 32.8, lon: -96.8, tz: -6 },
  { id: 'DEN', name: 'Denver Nuggets', conference: 'West', lat: 39.7, lon: -105.0, tz: -7 },
  { id: 'DET', name: 'Detroit Pistons', conference: 'East', lat: 42.3, lon: -83.1, tz: -5 },
  { id: 'GSW', name: 'Golden State Warriors', conference: 'West', lat: 37.8, lon: -122.4, tz: -8 },
  { id: 'HOU', name: 'Houston Rockets', conference: 'West', lat: 29.8, lon: -95.4, tz: -6 },
  { id: 'IND', name: 'Indiana Pacers', conference: 'East', lat: 39.8, lon: -86.2, tz: -5 },
  { id: 'LAC', name: 'Los Angeles Clippers', conference: 'West', lat: 34.0, lon: -118.3, tz: -8 },
  { id: 'LAL', name: 'Los Angeles Lakers', conference: 'West', lat: 34.0, lon: -118.3, tz: -8 },
  { id: 'MEM', name: 'Memphis Grizzlies', conference: 'West', lat: 35.1, lon: -90.1, tz: -6 },
  { id: 'MIA', name: 'Miami Heat', conference: 'East', lat: 25.8, lon: -80.2, tz: -5 },
  { id: 'MIL', name: 'Milwaukee Bucks', conference: 'East', lat: 43.0, lon: -87.9, tz: -6 },
  { id: 'MIN', name: 'Minnesota Timberwolves', conference: 'West', lat: 45.0, lon: -93.3, tz: -6 },
  { id: 'NOP', name: 'New Orleans Pelicans', conference: 'West', lat: 30.0, lon: -90.1, tz: -6 },
  { id: 'NYK', name: 'New York Knicks', conference: 'East', lat: 40.8, lon: -74.0, tz: -5 },
  { id: 'OKC', name: 'Oklahoma City Thunder', conference: 'West', lat: 35.5, lon: -97.5, tz: -6 },
  { id: 'ORL', name: 'Orlando Magic', conference: 'East', lat: 28.5, lon: -81.4, tz: -5 },
  { id: 'PHI', name: 'Philadelphia 76ers', conference: 'East', lat: 39.9, lon: -75.2, tz: -5 },
  { id: 'PHX', name: 'Phoenix Suns', conference: 'West', lat: 33.4, lon: -112.1, tz: -7 },
  { id: 'POR', name: 'Portland Trail Blazers', conference: 'West', lat: 45.5, lon: -122.7, tz: -8 },
  { id: 'SAC', name: 'Sacramento Kings', conference: 'West', lat: 38.6, lon: -121.5, tz: -8 },
  { id: 'SAS', name: 'San Antonio Spurs', conference: 'West', lat: 29.4, lon: -98.4, tz: -6 },
  { id: 'TOR', name: 'Toronto Raptors', conference: 'East', lat: 43.6, lon: -79.4, tz: -5 },
  { id: 'UTA', name: 'Utah Jazz', conference: 'West', lat: 40.8, lon: -111.9, tz: -7 },
  { id: 'WAS', name: 'Washington Wizards', conference: 'East', lat: 38.9, lon: -77.0, tz: -5 },
];

const BY_NAME = new Map(NBA_TEAMS.map((t) => [t.name, t]));
const BY_ID = new Map(NBA_TEAMS.map((t) => [t.id, t]));

export function nbaTeamByName(name: string): NbaTeam | undefined {
  return BY_NAME.get(name);
}

export function nbaTeam(id: string): NbaTeam | undefined {
  return BY_ID.get(id);
}

/** Great-circle distance in km between two teams' home cities (haversine, Earth radius 6,371 km). */
export function travelKm(from: NbaTeam, to: NbaTeam): number {
  const rad = Math.PI / 180;
  const dLat = (to.lat - from.lat) * rad, dLon = (to.lon - from.lon) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(from.lat * rad) * Math.cos(to.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}
