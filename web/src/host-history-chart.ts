import { type Chart, timeChart } from './charts';
import { fmt } from './dom';
import type { HostHistory } from './types';

/** One host's sampled CPU load and temperatures over time (°C and % share one axis: both run 0–100). */
export function hostHistoryChart(name: string): Chart {
  return timeChart({
    title: `${name}: CPU load and temperatures`, height: 180, yLabel: '% · °C', yRange: [0, 100],
    series: [
      { label: 'CPU load %', color: '#2563eb', value: (v) => (v === null ? '–' : `${fmt(v, 0)}%`) },
      { label: 'CPU °C', color: '#dc2626', value: (v) => (v === null ? '–' : `${fmt(v, 0)} °C`) },
      { label: 'GPU °C', color: '#d97706', value: (v) => (v === null ? '–' : `${fmt(v, 0)} °C`) },
    ],
  });
}

export const hostHistoryData = (x: HostHistory) => [x.at, x.cpuLoad, x.cpuTemp, x.gpuTemp] as [number[], ...(number | null)[][]];
