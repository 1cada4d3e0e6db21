// Health for load balancers and DNS failover (the design's ELB and Route 53 health checks):
// /healthz says the process is alive; /readyz says whether each backing store answers, so a node that lost its
// database stops receiving traffic without being killed.

export interface DependencyCheck {
  readonly name: string;
  /** Resolves when the dependency answers; throws with a short reason otherwise. */
  readonly check: () => Promise<void>;
  /** A failing non-critical dependency makes the node 'degraded' but still ready. */
  readonly critical?: boolean;
}

export interface DependencyState {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

export interface Readiness {
  readonly status: 'ready' | 'degraded' | 'not_ready';
  readonly checks: Record<string, DependencyState>;
}

export async function checkReadiness(checks: readonly DependencyCheck[], timeoutMs = 2000): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, DependencyState, boolean]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [c.name, { status: 'up', latencyMs: round(performance.now() - started) }, c.critical !== false];
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return [c.name, { status: 'down', latencyMs: round(performance.now() - started), error }, c.critical !== false];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const down = results.filter(([, s]) => s.status === 'down');
  const status = down.some(([, , critical]) => critical) ? 'not_ready' : down.length > 0 ? 'degraded' : 'ready';
  return { status, checks: Object.fromEntries(results.map(([n, s]) => [n, s])) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
