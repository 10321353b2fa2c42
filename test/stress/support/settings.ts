/**
 * Durations of the stress suite, from the environment (scripts/stress/run.ts sets them from its
 * flags): the defaults are the documented full run; CI shortens the load and the soak.
 */
export function stressSettings(environment: NodeJS.ProcessEnv = process.env): {
  loadSeconds: number;
  warmUpSeconds: number;
  soakMinutes: number;
  soakIntervalSeconds: number;
  fuzzRuns: number;
  seed: number;
  /** The schemathesis command (a virtual environment's, set up by scripts/stress/run.ts). */
  schemathesis: string;
  schemathesisExamples: number;
} {
  const number = (name: string, fallback: number) => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${raw}`);
    return value;
  };
  return {
    loadSeconds: number('STRESS_LOAD_SECONDS', 60),
    warmUpSeconds: number('STRESS_WARMUP_SECONDS', 10),
    soakMinutes: number('STRESS_SOAK_MINUTES', 1),
    soakIntervalSeconds: number('STRESS_SOAK_INTERVAL_SECONDS', 10),
    fuzzRuns: number('STRESS_FUZZ_RUNS', 10_000),
    seed: number('STRESS_SEED', 20_260_101),
    schemathesis: environment.STRESS_SCHEMATHESIS || 'schemathesis',
    schemathesisExamples: number('STRESS_SCHEMATHESIS_EXAMPLES', 50),
  };
}
