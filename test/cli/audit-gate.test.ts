// The dependency audit gate (scripts/audit.ts, `npm run audit:gate`, run by CI): a high or critical advisory fails
// it unless audit-allowlist.json excuses it with a reason; an exception can lapse; a registry that refuses the
// audit request is "not checked", never "clean". Fed saved `npm audit --json` reports (the registry here answers
// the audit endpoint with 405, so a live report cannot be had on this machine).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Allowlist, judge } from '../../scripts/audit.ts';

const GHSA = 'GHSA-wf5p-g6vw-rhxx';
/** The shape npm 11 prints: one vulnerable package with its advisory, and one vulnerable only through it. */
function report(severity: 'moderate' | 'high' | 'critical'): unknown {
  return {
    auditReportVersion: 2,
    vulnerabilities: {
      axios: {
        name: 'axios',
        severity,
        isDirect: false,
        via: [{ source: 1097679, name: 'axios', dependency: 'axios', title: 'Server-Side Request Forgery in axios', url: `https://github.com/advisories/${GHSA}`, severity, range: '<1.7.4' }],
        effects: ['some-sdk'],
        range: '<1.7.4',
        nodes: ['node_modules/axios'],
        fixAvailable: true,
      },
      'some-sdk': { name: 'some-sdk', severity, isDirect: true, via: ['axios'], effects: [], range: '*', nodes: ['node_modules/some-sdk'], fixAvailable: true },
    },
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } },
  };
}
const REFUSED = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } };
const REASON = 'only reachable from the build script, never with user input';

describe('audit gate: judging a report', () => {
  it('a high advisory blocks, once, named by the package that carries it', () => {
    const v = judge(report('high'), [], '2026-12-02');
    assert.equal(v.kind, 'checked');
    assert.deepEqual(v.kind === 'checked' && v.blocking.map((f) => [f.package, f.advisory, f.severity]), [['axios', GHSA, 'high']]);
  });

  it('a moderate one does not', () => {
    const v = judge(report('moderate'), [], '2026-12-02');
    assert.deepEqual(v.kind === 'checked' && v.blocking, []);
  });

  it('an exception with a reason excuses it, by advisory or by package; the wrong advisory does not', () => {
    for (const entry of [{ advisory: GHSA, reason: REASON }, { package: 'axios', reason: REASON }]) {
      const v = judge(report('critical'), Allowlist.parse([entry]), '2026-12-02');
      assert.ok(v.kind === 'checked' && v.blocking.length === 0 && v.excused.length === 1, JSON.stringify(entry));
    }
    const other = judge(report('critical'), Allowlist.parse([{ advisory: 'GHSA-2222-3333-4444', reason: REASON }]), '2026-12-02');
    assert.ok(other.kind === 'checked' && other.blocking.length === 1 && other.stale.length === 1, 'an exception for another advisory is stale');
  });

  it('an exception that has lapsed no longer excuses', () => {
    const allow = Allowlist.parse([{ advisory: GHSA, reason: REASON, expires: '2026-12-01' }]);
    const v = judge(report('high'), allow, '2026-12-02');
    assert.ok(v.kind === 'checked' && v.blocking.length === 1 && v.expired.length === 1);
  });

  it('an exception without a real reason, or naming nothing, is refused', () => {
    assert.throws(() => Allowlist.parse([{ advisory: GHSA, reason: 'n/a' }]), /say why/);
    assert.throws(() => Allowlist.parse([{ reason: REASON }]), /name an advisory, a package or both/);
    assert.throws(() => Allowlist.parse([{ advisory: 'CVE-2024-1', reason: REASON }]), /GHSA id/);
  });

  it('a refused audit request is "not checked", with the registry’s words', () => {
    const v = judge(REFUSED, [], '2026-12-02');
    assert.deepEqual(v, { kind: 'unavailable', why: REFUSED.message });
  });
});

describe('audit gate: the command', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-audit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (raw: unknown, allow: unknown[], env: Record<string, string> = {}): { status: number | null; out: string } => {
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(raw));
    writeFileSync(path.join(dir, 'allow.json'), JSON.stringify(allow));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', '--report', path.join(dir, 'report.json')], {
      encoding: 'utf8',
      env: { ...process.env, AUDIT_ALLOWLIST: path.join(dir, 'allow.json'), AUDIT_UNAVAILABLE_OK: '', ...env },
    });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  it('exits 1 on a blocking finding and names it; 0 once it is excused', () => {
    const blocked = run(report('high'), []);
    assert.equal(blocked.status, 1, blocked.out);
    assert.match(blocked.out, new RegExp(`BLOCKING high axios ${GHSA}`));
    const excused = run(report('high'), [{ advisory: GHSA, reason: REASON }]);
    assert.equal(excused.status, 0, excused.out);
    assert.match(excused.out, /0 blocking, 1 excused/);
  });

  it('exits 1 when the registry refused, unless AUDIT_UNAVAILABLE_OK=1, and says NOT CHECKED either way', () => {
    const strict = run(REFUSED, []);
    assert.equal(strict.status, 1, strict.out);
    assert.match(strict.out, /NOT CHECKED .*405 Method Not Allowed/);
    const lenient = run(REFUSED, [], { AUDIT_UNAVAILABLE_OK: '1' });
    assert.equal(lenient.status, 0, lenient.out);
    assert.match(lenient.out, /NOT CHECKED .*allowed by AUDIT_UNAVAILABLE_OK=1/);
  });

  it('refuses an allowlist entry without a reason before judging anything', () => {
    const r = run(report('moderate'), [{ package: 'axios' }]);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /reason/);
  });
});
