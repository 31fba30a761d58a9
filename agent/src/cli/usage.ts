/** `nfl-agent --help`. Kept beside cli-args.ts, which parses what it describes. */
export const USAGE = `Usage: nfl-agent [options]            run: compute work units for a coordinator
       nfl-agent status [--data-dir DIR] [--json]
                                      what the running agent is doing (no coordinator needed)
       nfl-agent finish [--data-dir DIR] [--exit | --cancel]
                                      finish the work in hand, ask for no more, then pause
                                      (--exit: then stop; --cancel: carry on as before)

Options (flag, environment variable, key in <data-dir>/config.json; first one given wins):
  --coordinator URL        NFL_AGENT_COORDINATOR  coordinator   coordinator base URL
                           (remembered after enrollment)
  --token TOKEN            NFL_AGENT_TOKEN        token         enrollment token, first run only
  --intensity LEVEL        NFL_AGENT_INTENSITY    intensity     low 25% | medium 50% | high 100% |
                           inferno 100% + GPU, no pauses (share of all cores; default medium)
  --data-dir DIR           NFL_AGENT_DATA_DIR     —             default ~/.nfl-agent
  --name NAME              NFL_AGENT_NAME         name          default the hostname
  --run-window HH:MM-HH:MM NFL_AGENT_RUN_WINDOW   runWindow     only compute then (local time;
                           may wrap midnight; several comma-separated); default always
  --idle-minutes N         NFL_AGENT_IDLE_MINUTES idleMinutes   only compute after N minutes
                           without keyboard/mouse input; 0 (default) = always
  --on-battery pause|run   NFL_AGENT_ON_BATTERY   onBattery     default pause
  --max-cpu-temp C         NFL_AGENT_MAX_CPU_TEMP maxCpuTemp    step intensity down above (90)
  --max-gpu-temp C         NFL_AGENT_MAX_GPU_TEMP maxGpuTemp    step intensity down above (85)
  --max-memory PCT         NFL_AGENT_MAX_MEMORY   maxMemory     step intensity down above (90)
  --temp-hysteresis C      NFL_AGENT_TEMP_HYSTERESIS tempHysteresis    step back up below
                           limit - C (5)
  --memory-hysteresis PCT  NFL_AGENT_MEMORY_HYSTERESIS memoryHysteresis (5)
  --checkpoint-interval S  NFL_AGENT_CHECKPOINT_INTERVAL checkpointInterval  seconds of work
                           between checkpoints (default: the coordinator's setting)
  --plain                  NFL_AGENT_PLAIN=1      plain line logs even on a terminal
  --help                   show this help
  --version [--verbose]    print the agent version (--verbose: build, kernels, data index)

While it runs: Ctrl+C or SIGTERM checkpoints the running work, tells the coordinator and exits
(press it again to force); SIGUSR1 steps the intensity up one level, SIGUSR2 down one level.
`;
