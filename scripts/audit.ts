// npm run audit:gate — `npm audit --audit-level=high` as a gate: fails on any high or critical advisory in the
// dependency tree (the app's and infra/'s) unless audit-allowlist.json lists it with a reason (and, optionally, a
// date after which the exception lapses). Stale exceptions are reported so the list does not rot.
// `--report FILE` reads a saved `npm audit --json` report instead of asking the registry (tests, offline review).
// When the registry will not answer the audit request (some mirrors refuse its endpoint with 405), nothing has
// been checked: that is an error too, unless AUDIT_UNAVAILABLE_OK=1 says this environment knowingly has no
// audit service (.ci/run on machines whose registry mirror refuses it), and then it says so loudly.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';

const SEVERITY = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Severity = (typeof SEVERITY)[number];
const GATE: Severity = 'high';

export const Allowlist = z
  .array(
    z
      .object({
        /** The advisory (GHSA-…) or, for every advisory of a package, the package name. */
        advisory: z.string().regex(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/, 'a GHSA id like GHSA-xxxx-xxxx-xxxx').optional(),
        package: z.string().min(1).max(214).optional(),
        reason: z.string().trim().min(20, 'say why the finding does not apply or cannot be fixed yet (20+ characters)'),
        expires: z.string().date('a date like 2027-03-01').optional(),
      })
      .strict()
      .refine((e) => e.advisory || e.package, 'name an advisory, a package or both'),
  )
  .max(100);
export type AllowEntry = z.infer<typeof Allowlist>[number];

/** The parts of `npm audit --json` (report version 2) the gate reads. */
const Report = z.object({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(
    z.string(),
    z.object({
      name: z.string(),
      severity: z.enum(SEVERITY),
      via: z.array(z.union([z.string(), z.object({ source: z.number().optional(), url: z.string().optional(), title: z.string().optional(), severity: z.enum(SEVERITY) })])),
      fixAvailable: z.unknown().optional(),
    }),
  ),
});
// npm prints the registry's refusal as JSON too: `{ message, statusCode, error: { summary, detail } }`.
const Refused = z.object({ message: z.string().optional(), statusCode: z.number().optional(), error: z.object({ code: z.string().nullable().optional(), summary: z.string().optional() }) });

export interface Finding {
  readonly package: string;
  readonly severity: Severity;
  readonly advisory: string | null;
  readonly title: string;
}
export type Verdict =
  | { readonly kind: 'unavailable'; readonly why: string }
  | { readonly kind: 'checked'; readonly blocking: Finding[]; readonly excused: Finding[]; readonly stale: AllowEntry[]; readonly expired: AllowEntry[] };

const atLeast = (s: Severity, min: Severity): boolean => SEVERITY.indexOf(s) >= SEVERITY.indexOf(min);

/** Pure: a parsed `npm audit --json` output and the allowlist in, what blocks out. */
export function judge(raw: unknown, allow: readonly AllowEntry[], today: string): Verdict {
  const refused = Refused.safeParse(raw);
  if (refused.success) {
    const r = refused.data;
    return { kind: 'unavailable', why: r.message || r.error.summary || r.error.code || `HTTP ${r.statusCode ?? '?'}` };
  }
  const report = Report.safeParse(raw);
  if (!report.success) return { kind: 'unavailable', why: `not an npm audit v2 report: ${report.error.issues[0]?.message ?? ''}` };
  // Each advisory once, named by the package it is in (the `via` objects); packages that are only vulnerable
  // through another one carry strings in `via` and are covered by that one's advisory.
  const findings = new Map<string, Finding>();
  for (const v of Object.values(report.data.vulnerabilities)) {
    for (const via of v.via) {
      if (typeof via === 'string' || !atLeast(via.severity, GATE)) continue;
      const advisory = /GHSA(-[0-9a-z]{4}){3}/.exec(via.url ?? '')?.[0] ?? null;
      findings.set(`${v.name}|${advisory ?? via.title}`, { package: v.name, severity: via.severity, advisory, title: via.title ?? '' });
    }
  }
  const live = allow.filter((e) => !e.expires || e.expires >= today);
  const expired = allow.filter((e) => e.expires && e.expires < today);
  const matches = (e: AllowEntry, f: Finding): boolean => (!e.advisory || e.advisory === f.advisory) && (!e.package || e.package === f.package);
  const blocking: Finding[] = [];
  const excused: Finding[] = [];
  for (const f of findings.values()) (live.some((e) => matches(e, f)) ? excused : blocking).push(f);
  const stale = live.filter((e) => ![...findings.values()].some((f) => matches(e, f)));
  return { kind: 'checked', blocking, excused, stale, expired };
}

async function npmAudit(cwd: string): Promise<unknown> {
  // npm audit exits 1 when it finds anything: the JSON on stdout is what matters either way.
  const out = await promisify(execFile)('npm', ['audit', '--json', `--audit-level=${GATE}`], { cwd, maxBuffer: 64 << 20 }).then(
    (r) => r.stdout,
    (e: { stdout?: string; message: string }) => e.stdout || JSON.stringify({ error: { code: 'EXEC', summary: e.message } }),
  );
  try {
    return JSON.parse(out);
  } catch {
    return { error: { code: 'EPARSE', summary: `npm audit printed no JSON: ${out.slice(0, 200)}` } };
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const reportAt = args.indexOf('--report');
  const allow = Allowlist.parse(JSON.parse(await readFile(path.resolve(process.env.AUDIT_ALLOWLIST ?? 'audit-allowlist.json'), 'utf8')));
  const today = new Date().toISOString().slice(0, 10);
  const sources: [string, unknown][] =
    reportAt >= 0
      ? [[args[reportAt + 1]!, JSON.parse(await readFile(args[reportAt + 1]!, 'utf8'))]]
      : [
          ['.', await npmAudit('.')],
          ['infra', await npmAudit('infra')],
        ];
  let failed = false;
  const verdicts: Verdict[] = [];
  for (const [where, raw] of sources) {
    const v = judge(raw, allow, today);
    verdicts.push(v);
    if (v.kind === 'unavailable') {
      const ok = process.env.AUDIT_UNAVAILABLE_OK === '1';
      console.log(`audit ${where}: NOT CHECKED — the registry gave no audit report (${v.why})${ok ? '; allowed by AUDIT_UNAVAILABLE_OK=1' : ''}`);
      failed ||= !ok;
      continue;
    }
    for (const f of v.blocking) console.log(`audit ${where}: BLOCKING ${f.severity} ${f.package} ${f.advisory ?? ''} ${f.title}`);
    for (const f of v.excused) console.log(`audit ${where}: excused ${f.severity} ${f.package} ${f.advisory ?? ''} (audit-allowlist.json)`);
    for (const e of v.expired) console.log(`audit ${where}: the exception for ${e.advisory ?? e.package} expired on ${e.expires}`);
    console.log(`audit ${where}: ${v.blocking.length} blocking, ${v.excused.length} excused ${GATE}+ finding(s)`);
    failed ||= v.blocking.length > 0;
  }
  // Only once every tree has been read: an exception may be for infra/ alone.
  const staleEverywhere = allow.filter((e) => verdicts.every((v) => v.kind === 'checked' && v.stale.includes(e)));
  for (const e of staleEverywhere) console.log(`audit: the exception for ${e.advisory ?? e.package} matches nothing any more; remove it from audit-allowlist.json`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
