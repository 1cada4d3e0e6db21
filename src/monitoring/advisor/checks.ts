// The store advisor (the design's Trusted Advisor, inside the app): checks over a snapshot of the running store,
// each a pure function returning findings with a severity, the evidence and the fix. The snapshot is gathered by
// collect.ts from the ports; keeping checks pure lets every one be tested firing and staying quiet.

export type Category = 'cost' | 'security' | 'performance' | 'fault_tolerance';
export type Severity = 'high' | 'medium' | 'low';

export interface Finding {
  readonly id: string;
  readonly category: Category;
  readonly severity: Severity;
  readonly title: string;
  readonly evidence: string;
  readonly fix: string;
}

export interface AssetFacts {
  readonly id: string;
  readonly bytes: number;
  readonly status: string;
  /** glTF extensions used by the published file (meshopt/Draco mean compressed geometry). */
  readonly extensions: readonly string[];
  readonly referencedBy: number;
}

export interface RouteLatency {
  readonly route: string;
  readonly p99Seconds: number;
  readonly count: number;
}

export interface StoreSnapshot {
  readonly publicUrl?: string;
  readonly assets: readonly AssetFacts[];
  /** Product page views per month, for the CDN-bytes estimate (default: 100,000). */
  readonly monthlyModelViews?: number;
  readonly relational: 'pglite' | 'postgres';
  readonly backupsConfigured: boolean;
  readonly deadLetters: number;
  readonly instances: number;
  readonly routes: readonly RouteLatency[];
  readonly responseCache: { hits: number; misses: number };
  readonly corsAllowAll: readonly string[];
  readonly staffWithoutStrongPassword?: number;
}

const MB = 1024 * 1024;
const fmtMB = (b: number): string => `${(b / MB).toFixed(1)} MB`;
const COMPRESSED = ['EXT_meshopt_compression', 'KHR_draco_mesh_compression'];

type Check = (s: StoreSnapshot) => Finding[];

export const CHECKS: Record<string, Check> = {
  oversizedModels: (s) => {
    const big = s.assets.filter((a) => a.status === 'ready' && a.bytes > 5 * MB);
    if (big.length === 0) return [];
    const views = s.monthlyModelViews ?? 100_000;
    // A compressed model is typically ~15 % of the original (FIELD-NOTES: 2.78 → 0.41 MB, 7.12 → 0.75 MB).
    const saved = big.reduce((t, a) => t + a.bytes * 0.85, 0) * (views / Math.max(1, s.assets.length));
    return [
      {
        id: 'cost.oversized-models',
        category: 'cost',
        severity: big.length > 3 ? 'high' : 'medium',
        title: `${big.length} published model(s) over 5 MB`,
        evidence: big.map((a) => `${a.id}: ${fmtMB(a.bytes)}`).join(', '),
        fix: `Re-run the asset pipeline with texture resizing and meshopt compression; at ${views.toLocaleString('en-US')} views a month this saves about ${(saved / 1024 ** 3).toFixed(1)} GB of CDN transfer.`,
      },
    ];
  },

  uncompressedModels: (s) => {
    const raw = s.assets.filter((a) => a.status === 'ready' && a.bytes > 1 * MB && !a.extensions.some((e) => COMPRESSED.includes(e)));
    if (raw.length === 0) return [];
    return [
      {
        id: 'cost.uncompressed-geometry',
        category: 'cost',
        severity: 'low',
        title: `${raw.length} model(s) over 1 MB without geometry compression`,
        evidence: raw.map((a) => `${a.id}: ${fmtMB(a.bytes)}`).join(', '),
        fix: 'Publish them through the asset pipeline (meshopt is the default), which keeps every extension and checks fidelity.',
      },
    ];
  },

  unusedAssets: (s) => {
    const unused = s.assets.filter((a) => a.referencedBy === 0);
    if (unused.length === 0) return [];
    const bytes = unused.reduce((t, a) => t + a.bytes, 0);
    return [
      {
        id: 'cost.unused-assets',
        category: 'cost',
        severity: 'low',
        title: `${unused.length} 3D asset(s) not used by any product`,
        evidence: `${unused.map((a) => a.id).slice(0, 10).join(', ')}${unused.length > 10 ? '…' : ''} (${fmtMB(bytes)} stored)`,
        fix: 'Attach them to a product or delete them; S3 versioning keeps deleted objects until the lifecycle rule expires them.',
      },
    ];
  },

  plainHttp: (s) =>
    s.publicUrl?.startsWith('https://')
      ? []
      : [
          {
            id: 'security.no-tls',
            category: 'security',
            severity: s.publicUrl ? 'high' : 'medium',
            title: 'The shop is not served over HTTPS',
            evidence: s.publicUrl ? `PUBLIC_URL is ${s.publicUrl}` : 'PUBLIC_URL is not set (links default to http://localhost)',
            fix: 'Serve the shop over TLS (CloudFront with an ACM certificate, or HTTPS mode) and set PUBLIC_URL=https://…; cookies then become Secure and HSTS is sent.',
          },
        ],

  weakStaffPasswords: (s) =>
    s.staffWithoutStrongPassword
      ? [
          {
            id: 'security.weak-staff-passwords',
            category: 'security',
            severity: 'high',
            title: `${s.staffWithoutStrongPassword} staff account(s) without a strong password`,
            evidence: 'Merchant or admin accounts whose password predates the current policy',
            fix: 'Ask them to change it (or send a reset link from the admin); staff accounts can reach orders and customer data.',
          },
        ]
      : [],

  permissiveCors: (s) =>
    s.corsAllowAll.length === 0
      ? []
      : [
          {
            id: 'security.permissive-cors',
            category: 'security',
            severity: s.corsAllowAll.some((r) => r.startsWith('/api/')) ? 'high' : 'low',
            title: 'Access-Control-Allow-Origin: * on some routes',
            evidence: s.corsAllowAll.join(', '),
            fix: 'Keep the wildcard only on public, cookie-less assets; API routes must name their allowed origins.',
          },
        ],

  slowRoutes: (s) => {
    const slow = s.routes.filter((r) => r.count >= 20 && r.p99Seconds > 0.25).sort((a, b) => b.p99Seconds - a.p99Seconds);
    if (slow.length === 0) return [];
    return [
      {
        id: 'performance.slow-routes',
        category: 'performance',
        severity: slow[0]!.p99Seconds > 1 ? 'high' : 'medium',
        title: `${slow.length} route(s) with p99 over 250 ms`,
        evidence: slow.map((r) => `${r.route}: p99 ${(r.p99Seconds * 1000).toFixed(0)} ms over ${r.count} requests`).join('; '),
        fix: 'Look at these routes in the traces; catalog reads should come from the in-memory read model, never a database call per request.',
      },
    ];
  },

  lowCacheHitRatio: (s) => {
    const total = s.responseCache.hits + s.responseCache.misses;
    if (total < 100) return [];
    const ratio = s.responseCache.hits / total;
    return ratio >= 0.8
      ? []
      : [
          {
            id: 'performance.low-cache-hit-ratio',
            category: 'performance',
            severity: 'medium',
            title: `Catalog response cache hit ratio is ${(ratio * 100).toFixed(0)} %`,
            evidence: `${s.responseCache.hits} hits, ${s.responseCache.misses} misses`,
            fix: 'Frequent catalog writes invalidate cached pages: batch merchant imports, and put the CDN in front (s-maxage absorbs repeats).',
          },
        ];
  },

  noBackups: (s) =>
    s.backupsConfigured
      ? []
      : [
          {
            id: 'fault-tolerance.no-backups',
            category: 'fault_tolerance',
            severity: 'high',
            title: 'No database backups are configured',
            evidence: s.relational === 'pglite' ? 'Orders and accounts live in embedded PGlite under the data folder' : 'DATABASE_URL points at a server with no backup setting declared',
            fix: s.relational === 'pglite'
              ? 'Run on PostgreSQL (RDS with automated backups and Multi-AZ, see docs/deploy.md), or copy the data folder while the shop is stopped.'
              : 'Enable automated backups (RDS: 7+ days retention, PITR) and set BACKUPS_CONFIGURED=true once verified.',
          },
        ],

  deadLetters: (s) =>
    s.deadLetters === 0
      ? []
      : [
          {
            id: 'fault-tolerance.dead-letters',
            category: 'fault_tolerance',
            severity: s.deadLetters > 10 ? 'high' : 'medium',
            title: `${s.deadLetters} background job(s) failed for good`,
            evidence: 'Jobs in the dead-letter state (emails not sent, models not processed)',
            fix: 'Read their last errors, fix the cause, then replay them.',
          },
        ],

  singleInstance: (s) =>
    s.instances > 1
      ? []
      : [
          {
            id: 'fault-tolerance.single-instance',
            category: 'fault_tolerance',
            severity: 'medium',
            title: 'One API instance serves the shop',
            evidence: `${s.instances} instance(s) behind the load balancer`,
            fix: 'Run at least two instances in different availability zones (the Auto Scaling group in infra/ has min 2).',
          },
        ],
};

const ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Every finding, most severe first. */
export function advise(snapshot: StoreSnapshot): Finding[] {
  return Object.values(CHECKS)
    .flatMap((check) => check(snapshot))
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id));
}
