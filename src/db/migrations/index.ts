import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.ts';
import * as m002 from './002_name_search.ts';
import * as m003 from './003_ledger.ts';
import * as m004 from './004_match_keys.ts';
import * as m005 from './005_witness_evidence.ts';
import * as m006 from './006_exchanges.ts';
import * as m007 from './007_lists.ts';
import * as m008 from './008_peer.ts';
import * as m009 from './009_outbox.ts';
import * as m010 from './010_agreement_drafts.ts';
import * as m011 from './011_package_chains.ts';
import * as m012 from './012_stage_approvals.ts';
import * as m013 from './013_jobs.ts';
import * as m014 from './014_record_commitments.ts';

/** Versioned migrations, applied in name order at start; each runs once (tracked by Kysely). */
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_name_search': m002,
  '003_ledger': m003,
  '004_match_keys': m004,
  '005_witness_evidence': m005,
  '006_exchanges': m006,
  '007_lists': m007,
  '008_peer': m008,
  '009_outbox': m009,
  '010_agreement_drafts': m010,
  '011_package_chains': m011,
  '012_stage_approvals': m012,
  '013_jobs': m013,
  '014_record_commitments': m014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
