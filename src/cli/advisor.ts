import type { Config } from '../config/env.ts';
import { advise, type Finding } from '../monitoring/advisor/checks.ts';
import { collectSnapshot } from '../monitoring/advisor/collect.ts';
import { createLogger } from '../monitoring/logger.ts';
import { openRuntime } from '../runtime/index.ts';
import { staffBelowPasswordPolicy } from '../databases/relational/accounts.ts';
import { PASSWORD_POLICY_VERSION } from '../domain/accounts.ts';

/** Prints the findings; exits 1 when any is high severity (so CI or cron can alert on it). */
export async function advisorCommand(config: Config, opts: { url?: string; json: boolean }): Promise<number> {
  const rt = await openRuntime(config, createLogger('warn', 'vitrine-advisor'));
  try {
    let metricsText: string | undefined;
    const corsAllowAll: string[] = [];
    if (opts.url) {
      const base = opts.url.replace(/\/+$/, '');
      const headers: Record<string, string> = config.METRICS_TOKEN ? { authorization: `Bearer ${config.METRICS_TOKEN}` } : {};
      const m = await fetch(`${base}/metrics`, { headers });
      if (m.ok) metricsText = await m.text();
      else process.stderr.write(`advisor: ${base}/metrics answered ${m.status}; performance checks skipped (set METRICS_TOKEN)\n`);
      const list = await fetch(`${base}/api/products?limit=1`);
      if (list.headers.get('access-control-allow-origin') === '*') corsAllowAll.push('/api/products');
      const glb = ((await list.json()) as { items?: { model?: { glb?: string } }[] }).items?.[0]?.model?.glb;
      if (glb && (await fetch(new URL(glb, base), { method: 'HEAD' })).headers.get('access-control-allow-origin') === '*') corsAllowAll.push('/assets/*');
    }
    const findings = advise(
      await collectSnapshot({
        repo: rt.catalog.repo,
        objects: rt.objects,
        queue: rt.queue,
        relational: rt.relational.kind,
        publicUrl: config.PUBLIC_URL,
        backupsConfigured: config.BACKUPS_CONFIGURED,
        instances: config.INSTANCE_COUNT,
        metricsText,
        corsAllowAll,
        staffWithoutStrongPassword: await staffBelowPasswordPolicy(rt.relational.db, PASSWORD_POLICY_VERSION),
      }),
    );
    process.stdout.write(opts.json ? `${JSON.stringify(findings, null, 2)}\n` : render(findings));
    return findings.some((f) => f.severity === 'high') ? 1 : 0;
  } finally {
    await rt.close();
  }
}

function render(findings: Finding[]): string {
  if (findings.length === 0) return 'No recommendations: the store looks healthy.\n';
  return findings
    .map((f) => `[${f.severity.toUpperCase()}] ${f.category} · ${f.title}\n  evidence: ${f.evidence}\n  fix: ${f.fix}\n`)
    .join('\n');
}
