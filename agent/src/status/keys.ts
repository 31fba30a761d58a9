import type { Intensity } from '@nfl-grid/shared/protocol/host-report';
import { stepIntensity } from '../heat/heat';
import type { ControlCommand } from './control';

/*
 * Keys in the terminal view: the same commands as `nfl-agent pause|resume|intensity|quit`.
 * In raw mode Ctrl+C is a key, not a signal: the caller turns it back into SIGINT.
 */

export const KEY_HELP = 'keys: p pause · r resume · +/- intensity · q quit (work kept)';

/** The command a key press asks for, or null (an unknown key, or no level beyond this one). */
export function keyCommand(key: string, current: Intensity): ControlCommand | null {
  switch (key) {
    case 'p':
      return { kind: 'pause' };
    case 'r':
      return { kind: 'resume' };
    case 'q':
      return { kind: 'quit', abandon: false };
    case '+':
    case '=': {
      const level = stepIntensity(current, 1);
      return level === current ? null : { kind: 'intensity', level };
    }
    case '-':
    case '_': {
      const level = stepIntensity(current, -1);
      return level === current ? null : { kind: 'intensity', level };
    }
    default:
      return null;
  }
}
