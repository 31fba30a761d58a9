import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import si from 'systeminformation';
import type { Hardware, Readings } from '@nfl-grid/shared/protocol/host-report';

/*
 * What the machine is (sent in `hello` and at enrollment) and how it is doing (sent in
 * `progress`), read with systeminformation. A sensor that is missing or does not answer in time
 * is null, never zero: the heat controller must not mistake "unknown" for "cool".
 */

const SENSOR_TIMEOUT_MS = 3000;

/** Resolves to the promise's value, or to `fallback` when it fails or takes too long. */
async function within<T>(p: Promise<T>, fallback: T, ms = SENSOR_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([p.catch(() => fallback), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A number within [min, max], or null. */
const inRange = (v: unknown, min: number, max: number): number | null => (finite(v) && v >= min && v <= max ? v : null);
const percent = (v: unknown): number | null => (finite(v) ? Math.min(100, Math.max(0, v)) : null);

export function logicalCores(): number {
  return Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
}

export async function readHardware(): Promise<Hardware> {
  const [cpu, graphics] = await Promise.all([
    within(si.cpu(), null),
    within(si.graphics(), null),
  ]);
  const cpuModel = cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : (cpus()[0]?.model ?? 'unknown');
  return {
    platform: platform().slice(0, 64),
    arch: arch().slice(0, 32),
    cpuModel: (cpuModel || 'unknown').slice(0, 200),
    cores: Math.min(4096, logicalCores()),
    memoryMb: Math.max(1, Math.round(totalmem() / 1048576)),
    gpus: (graphics?.controllers ?? []).slice(0, 64).map((c) => ({
      model: (c.model || c.name || c.vendor || 'unknown GPU').slice(0, 200),
      memoryMb: finite(c.vram) && c.vram >= 0 ? Math.round(c.vram) : null,
    })),
  };
}

/** Sensor readings plus what only this agent needs (not sent): whether it runs on battery. */
export interface LocalReadings {
  readings: Readings;
  /** true on battery, false on mains, null without a battery (or when unknown). */
  onBattery: boolean | null;
}

/**
 * Reads the sensors for `progress` and the heat control. GPU load and temperature come from
 * si.graphics(), which spawns vendor tools; it is only asked again when the first answer showed
 * GPU sensors at all.
 */
export class SensorReader {
  private gpuSensors: boolean | null = null;

  async read(): Promise<Readings> {
    return (await this.readLocal()).readings;
  }

  async readLocal(): Promise<LocalReadings> {
    const [load, mem, temp, battery, graphics] = await Promise.all([
      within(si.currentLoad(), null),
      within(si.mem(), null),
      within(si.cpuTemperature(), null),
      within(si.battery(), null),
      this.gpuSensors === false ? Promise.resolve(null) : within(si.graphics(), null),
    ]);
    const gpus = (graphics?.controllers ?? []).filter((c) => finite(c.utilizationGpu) || finite(c.temperatureGpu));
    if (graphics) this.gpuSensors = gpus.length > 0;
    const gpuLoads = gpus.map((c) => c.utilizationGpu).filter(finite);
    const gpuTemps = gpus.map((c) => c.temperatureGpu).filter(finite);
    const hasBattery = Boolean(battery?.hasBattery);
    return {
      readings: {
        cpuLoad: percent(load?.currentLoad),
        gpuLoad: gpuLoads.length ? percent(Math.max(...gpuLoads)) : null,
        memUsed: mem && mem.total > 0 ? percent((mem.active / mem.total) * 100) : null,
        cpuTemp: inRange(temp?.main, -50, 200) ?? inRange(temp?.max, -50, 200),
        gpuTemp: gpuTemps.length ? inRange(Math.max(...gpuTemps), -50, 200) : null,
        battery: hasBattery && finite(battery!.percent)
          ? { percent: percent(battery!.percent) ?? 0, charging: Boolean(battery!.isCharging) }
          : null,
      },
      onBattery: hasBattery && typeof battery!.acConnected === 'boolean' ? !battery!.acConnected : null,
    };
  }
}
