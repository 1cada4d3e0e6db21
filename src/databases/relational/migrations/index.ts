// Every migration, in order, as a static map: no folder scan at run time, so a bundler (Lambda, a single-file
// build) sees every import. Add the next file here as `'0002_...': m0002`; names sort in the order they run.
import type { Migration } from 'kysely';
import * as m0001 from './0001_inventory_and_jobs.ts';
import * as m0002 from './0002_accounts.ts';
import * as m0003 from './0003_commerce.ts';
import * as m0004 from './0004_order_operations.ts';
import * as m0005 from './0005_audit_log.ts';
import * as m0006 from './0006_password_policy.ts';
import * as m0007 from './0007_trace_context.ts';
import * as m0008 from './0008_job_expired_claims.ts';
import * as m0009 from './0009_job_claim_token.ts';
import * as m0010 from './0010_customer_list.ts';
import * as m0011 from './0011_dashboard.ts';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001_inventory_and_jobs': m0001,
  '0002_accounts': m0002,
  '0003_commerce': m0003,
  '0004_order_operations': m0004,
  '0005_audit_log': m0005,
  '0006_password_policy': m0006,
  '0007_trace_context': m0007,
  '0008_job_expired_claims': m0008,
  '0009_job_claim_token': m0009,
  '0010_customer_list': m0010,
  '0011_dashboard': m0011,
};
