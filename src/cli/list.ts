import fs from 'node:fs';
import path from 'node:path';
import { diffListVersions, importCounterpartList, type ListKindName } from '../app/lists/lists.ts';
import { sendListResponses, sendListVersion } from '../app/peers/list-packages.ts';
import { deliverOutbox } from '../app/peers/outbox.ts';
import type { SentPackage } from '../app/peers/packages.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import { subjectKey } from '../domain/exchange/list.ts';
import type { RowError } from '../io/row-error.ts';
import { type DataOptions, openNode, withNode } from './context.ts';
import { io } from './io.ts';

type Out = (s: string) => void;
const stdout: Out = (s) => io().stdout.write(s);
const stderr: Out = (s) => io().stderr.write(s);

export interface ListImportOptions extends DataOptions {
  exchange: string;
  kind?: 'their_offer' | 'their_request' | undefined;
}

/**
 * `homeward list import FILE --exchange ID [--kind their_offer]`: the counterpart's list (CSV/XLSX,
 * columns as `homeward match` plus optional category and person_category) as a new version of their
 * offer or request, matched against the registry and flagged. All or nothing: exit 1 with every bad
 * row on stderr by line and column, and nothing written.
 */
export async function runListImport(file: string, o: ListImportOptions, out = stdout, err = stderr) {
  const bytes = fs.readFileSync(file);
  const node = await openNode(o);
  try {
    const ctx = node.as(['list_officer']);
    const r = await node.database.transaction((tx) =>
      importCounterpartList(ctx, tx, {
        exchangeId: o.exchange,
        kind: (o.kind ?? 'their_offer') as ListKindName,
        bytes,
        filename: file,
      }),
    );
    out(
      `${file}: ${r.kind} version ${r.version} of exchange ${r.exchangeId} (id ${r.id}, hash ${r.versionHash}), ${r.entryCount} entries\n`,
    );
    for (const [flag, n] of Object.entries(r.flagCounts)) if (n > 0) out(`  ${flag}: ${n}\n`);
    return 0;
  } catch (e) {
    if (e instanceof DomainError && e.code === ErrorCodes.IMPORT_REJECTED) {
      const rows = (e.details?.rows ?? []) as RowError[];
      err(`${file}: not imported (${rows.length} problem(s)); nothing was written\n`);
      for (const r of rows) err(`${file}:${r.line}${r.column ? `: ${r.column}` : ''}: ${r.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await node.database.close();
  }
}

export interface ListDiffOptions extends DataOptions {
  exchange: string;
  from: string;
  to: string;
  json?: boolean | undefined;
}

/** `homeward list diff --exchange ID --from V1 --to V2`: what changed, person by person. */
export async function runListDiff(o: ListDiffOptions, out = stdout) {
  const node = await openNode(o);
  try {
    const r = await diffListVersions(node.database.db, node.as(['auditor']), o.exchange, o.from, o.to);
    if (o.json) {
      out(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    const d = r.diff;
    out(
      `${r.from.kind} v${r.from.version} → ${r.to.kind} v${r.to.version}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged\n`,
    );
    for (const n of d.added) out(`+ ${subjectKey(n.subject)} ${n.id} ${n.category}\n`);
    for (const n of d.removed) out(`- ${subjectKey(n.subject)} ${n.id} ${n.category}\n`);
    for (const c of d.changed) out(`~ ${c.key} ${c.fields.join(',')}\n`);
    return 0;
  } finally {
    await node.database.close();
  }
}

export interface ListSendOptions extends DataOptions {
  exchange: string;
  version: string;
  outDir?: string | undefined;
}

/**
 * `homeward list send --exchange ID --version V [--out-dir DIR]`: a signed version of our request or
 * offer as signed `list.version` packages, one to the counterpart's node and one to the mediator's
 * (people as whitelisted fields only), delivered to the peers whose URL this node knows (`homeward
 * package peer`) and written to DIR for hand-carry. `list send-responses` does the same with our
 * answers to a version of their list.
 */
export async function runListSend(o: ListSendOptions, what: 'version' | 'responses', out = stdout) {
  return withNode(o, async (node) => {
    const ctx = node.as(['coordinator']);
    const sent: { packages: SentPackage[] } = await node.database.transaction(
      (tx): Promise<{ packages: SentPackage[] }> =>
        what === 'version'
          ? sendListVersion(ctx, tx, o.exchange, o.version)
          : sendListResponses(ctx, tx, o.exchange, o.version),
    );
    for (const p of sent.packages) {
      out(
        `${p.recipient}\tsigned and logged at index ${p.logIndex} (sequence ${p.package.header.sequence})\n`,
      );
      if (o.outDir) {
        fs.mkdirSync(o.outDir, { recursive: true });
        const file = path.join(
          o.outDir,
          `${p.package.header.type}-${p.recipient}-${p.package.header.sequence}.json`,
        );
        fs.writeFileSync(file, p.bytes);
        out(`${p.recipient}\twrote ${file}\n`);
      }
    }
    const delivered = await deliverOutbox(node.database, node.system('deliver-outbox'));
    out(
      `delivered ${delivered.delivered} package(s) to peers${delivered.failed.map((f) => `; ${f.recipient}: ${f.reason}`).join('')}\n`,
    );
    return 0;
  });
}
