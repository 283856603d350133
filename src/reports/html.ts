import { type Locale, localeTags } from '../i18n/format.ts';
import { formatMessage } from '../i18n/messages.ts';

/**
 * Shared pieces of the printable reports: HTML escaping, labels and values from the message
 * catalogues in the reader's language (or Ukrainian | English side by side), and one self-contained A4
 * page (inline CSS, `@media print`, no script, no external resource). Every value that reaches the page
 * goes through `esc`; labels are catalogue keys.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A label: a catalogue key (`msg.report.*`, src/i18n/locales), printed in the reader's language. */
export type Label = (typeof L)[keyof typeof L];

export const L = {
  exchange: 'msg.report.exchange',
  agreement: 'msg.report.agreement',
  stage: 'msg.report.stage',
  date: 'msg.report.date',
  crossingPoint: 'msg.report.crossingPoint',
  status: 'msg.report.status',
  direction: 'msg.report.direction',
  to: 'msg.report.to',
  category: 'msg.report.category',
  planned: 'msg.report.planned',
  onManifest: 'msg.report.onManifest',
  presented: 'msg.report.presented',
  handedOver: 'msg.report.handedOver',
  outsideExchange: 'msg.report.outsideExchange',
  notHandedOver: 'msg.report.notHandedOver',
  pending: 'msg.report.pending',
  discrepancies: 'msg.report.discrepancies',
  total: 'msg.report.total',
  line: 'msg.report.line',
  person: 'msg.report.person',
  outcome: 'msg.report.outcome',
  crossedAt: 'msg.report.crossedAt',
  substitutions: 'msg.report.substitutions',
  exceptions: 'msg.report.exceptions',
  reason: 'msg.report.reason',
  replaced: 'msg.report.replaced',
  by: 'msg.report.by',
  chain: 'msg.report.chain',
  warnings: 'msg.report.warnings',
  warning: 'msg.report.warning',
  justification: 'msg.report.justification',
  none: 'msg.report.none',
  signatures: 'msg.report.signatures',
  party: 'msg.report.party',
  mediator: 'msg.report.mediator',
  signedHash: 'msg.report.signedHash',
  signedAt: 'msg.report.signedAt',
  signatureLine: 'msg.report.signatureLine',
  notSigned: 'msg.report.notSigned',
  hashes: 'msg.report.hashes',
  agreementHash: 'msg.report.agreementHash',
  manifestHash: 'msg.report.manifestHash',
  reconciliationHash: 'msg.report.reconciliationHash',
  recordHash: 'msg.report.recordHash',
  target: 'msg.report.target',
  cumulative: 'msg.report.cumulative',
  remaining: 'msg.report.remaining',
  perStage: 'msg.report.perStage',
  generatedAt: 'msg.report.generatedAt',
  namesHidden: 'msg.report.namesHidden',
  eligibility: 'msg.report.eligibility',
  refusals: 'msg.report.refusals',
  destination: 'msg.report.destination',
  occurredAt: 'msg.report.occurredAt',
  openDiscrepancies: 'msg.report.openDiscrepancies',
  unjustified: 'msg.report.unjustified',
  ineligible: 'msg.report.ineligible',
  kind: 'msg.report.kind',
  listEntries: 'msg.report.listEntries',
  listHash: 'msg.report.listHash',
  message: 'msg.report.message',
  actTitle: 'msg.report.actTitle',
  reconciliationTitle: 'msg.report.reconciliationTitle',
  progressTitle: 'msg.report.progressTitle',
  dossierTitle: 'msg.report.dossierTitle',
  number: 'msg.report.number',
  manifestVersion: 'msg.report.manifestVersion',
  countsByCategory: 'msg.report.countsByCategory',
  listsPerDirection: 'msg.report.listsPerDirection',
  row: 'msg.report.row',
  flags: 'msg.report.flags',
  response: 'msg.report.response',
  recordHashNote: 'msg.report.recordHashNote',
  targetsTitle: 'msg.report.targetsTitle',
  targetsNote: 'msg.report.targetsNote',
  agreementWarnings: 'msg.report.agreementWarnings',
  plannedPresentedHanded: 'msg.report.plannedPresentedHanded',
  key: 'msg.report.key',
  hashMismatch: 'msg.report.hashMismatch',
  reserve: 'msg.report.reserve',
  eligibilityFalse: 'msg.report.eligibilityFalse',
  eligibilityUnknown: 'msg.report.eligibilityUnknown',
} as const;

/** Kinds of coded value a report prints, each translated by `msg.value.<kind>` (an ICU select). */
export const ValueKinds = [
  'outcome',
  'stage_status',
  'discrepancy',
  'justification',
  'warning_kind',
  'list_kind',
  'list_flag',
  'list_response',
] as const;
export type ValueKind = (typeof ValueKinds)[number];

/** Every message code the reports render, with its arguments (for the catalogue test). */
export const ReportMessages: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.values(L).map((k) => [k, []])),
  ...Object.fromEntries(ValueKinds.map((k) => [`msg.value.${k}`, ['value']])),
};

/**
 * How a report speaks: in one language (`lang`, with values translated and instants formatted for
 * that locale in `timeZone`), or, without a language, bilingual Ukrainian | English with raw values
 * as reports always were. Every function returns escaped HTML.
 */
export interface ReportText {
  lang: Locale | undefined;
  label(l: Label): string;
  th(l: Label, cls?: string): string;
  h2(l: Label): string;
  fact(l: Label, value: unknown): string;
  /** A fact whose value is already escaped HTML (a translated value, a date). */
  factHtml(l: Label, html: string): string;
  empty(): string;
  page(title: Label, body: string, generatedAt: string): string;
  /** A coded value (outcome, stage status, ...). */
  value(kind: ValueKind, v: string): string;
  /** An ISO instant; "—" when absent. */
  instant(iso: string | null | undefined): string;
  /** A plain date (YYYY-MM-DD). */
  date(d: string): string;
}

/** The time zone reports use when the reader names none (the domain records instants in UTC). */
export const DEFAULT_REPORT_TIME_ZONE = 'UTC';

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function reportText(lang?: Locale, timeZone: string = DEFAULT_REPORT_TIME_ZONE): ReportText {
  const label = (l: Label): string =>
    lang
      ? esc(formatMessage(lang, l))
      : `<span class="uk" lang="uk">${esc(formatMessage('uk', l))}</span><span class="sep"> / </span><span class="en" lang="en">${esc(formatMessage('en', l))}</span>`;
  const instantFormat = lang
    ? new Intl.DateTimeFormat(localeTags[lang], {
        dateStyle: 'long',
        timeStyle: 'short',
        timeZone,
      })
    : undefined;
  const dateFormat = lang
    ? new Intl.DateTimeFormat(localeTags[lang], { dateStyle: 'long', timeZone: 'UTC' })
    : undefined;
  const zoneName = timeZone === 'UTC' ? 'UTC' : timeZone;
  const t: ReportText = {
    lang,
    label,
    th: (l, cls = '') => `<th${cls ? ` class="${cls}"` : ''}>${label(l)}</th>`,
    h2: (l) => `<h2>${label(l)}</h2>`,
    fact: (l, value) => t.factHtml(l, esc(value)),
    factHtml: (l, html) =>
      `<div class="fact"><div class="k">${label(l)}</div><div class="v">${html}</div></div>`,
    empty: () => `<p class="empty">${label(L.none)}</p>`,
    page: (title, body, generatedAt) => page(t, title, body, generatedAt),
    value: (kind, v) => esc(lang ? formatMessage(lang, `msg.value.${kind}`, { value: v }) : v),
    instant: (iso) => {
      if (!iso) return '—';
      const at = new Date(iso);
      if (!instantFormat || Number.isNaN(at.getTime())) return esc(iso);
      return `<time datetime="${esc(iso)}">${esc(`${instantFormat.format(at)} (${zoneName})`)}</time>`;
    },
    date: (d) => {
      const at = new Date(`${d}T00:00:00Z`);
      if (!dateFormat || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(at.getTime())) return esc(d);
      return `<time datetime="${esc(d)}">${esc(dateFormat.format(at))}</time>`;
    },
  };
  return t;
}

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 15pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #444; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
.en { color: #333; font-style: italic; }
.sep { color: #888; }
.facts { display: grid; grid-template-columns: 1fr 1fr; gap: 1mm 6mm; margin-bottom: 3mm; }
.fact .k { font-size: 8pt; color: #444; }
.fact .v { font-weight: 600; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; font-size: 7.5pt; font-weight: 600; overflow-wrap: anywhere; }
table.counts { table-layout: fixed; font-size: 8.5pt; }
table.counts th, table.counts td { padding: 0.8mm 1mm; overflow-wrap: break-word; hyphens: auto; }
table.counts th { font-size: 7pt; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; background: #f6f6f6; }
code, .hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; word-break: break-all; }
.note { font-size: 8.5pt; color: #444; }
.empty { color: #555; font-style: italic; }
.signatures { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 4mm; margin-top: 4mm; page-break-inside: avoid; }
.sig { border: 1px solid #999; padding: 2mm; min-height: 38mm; display: flex; flex-direction: column; }
.sig .line { margin-top: auto; border-top: 1px solid #111; padding-top: 1mm; font-size: 8pt; }
footer { margin-top: 6mm; font-size: 8pt; color: #555; border-top: 1px solid #ccc; padding-top: 1mm; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } h2 { page-break-after: avoid; } }
`;

/** One self-contained printable page. `body` must already be escaped HTML. */
function page(t: ReportText, title: Label, body: string, generatedAt: string): string {
  const heading = t.lang
    ? esc(formatMessage(t.lang, title))
    : `${esc(formatMessage('uk', title))} / ${esc(formatMessage('en', title))}`;
  return `<!doctype html>
<html lang="${t.lang ?? 'uk'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${t.label(title)}</h1>
${body}
<footer>${t.label(L.generatedAt)}: ${t.lang ? t.instant(generatedAt) : esc(generatedAt)} · Homeward</footer>
</body>
</html>
`;
}

export const num = (n: number | null | undefined): string =>
  `<td class="n">${n === null || n === undefined ? '—' : esc(n)}</td>`;

/** "code ×n, code ×m" for a discrepancy count map. */
export function codeCounts(t: ReportText, m: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(m)
    .filter(([, n]) => n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${t.value('discrepancy', k)} ×${esc(n)}`);
  return parts.length ? parts.join(', ') : '—';
}
