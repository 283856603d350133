/**
 * Shared pieces of the printable reports: HTML escaping, bilingual (Ukrainian | English) labels side
 * by side, and one self-contained A4 page (inline CSS, `@media print`, no script, no external
 * resource). Every value that reaches the page goes through `esc`; labels are constants.
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

/** A bilingual label: Ukrainian and English side by side (both trusted constants, escaped anyway). */
export interface Label {
  uk: string;
  en: string;
}

export const bi = (l: Label): string =>
  `<span class="uk" lang="uk">${esc(l.uk)}</span><span class="sep"> / </span><span class="en" lang="en">${esc(l.en)}</span>`;

export const L = {
  exchange: { uk: 'Обмін', en: 'Exchange' },
  agreement: { uk: 'Угода', en: 'Agreement' },
  stage: { uk: 'Етап', en: 'Stage' },
  date: { uk: 'Дата', en: 'Date' },
  crossingPoint: { uk: 'Пункт передачі', en: 'Crossing point' },
  status: { uk: 'Стан', en: 'Status' },
  direction: { uk: 'Хто приймає', en: 'Receiving party' },
  to: { uk: 'До', en: 'To' },
  category: { uk: 'Категорія', en: 'Category' },
  planned: { uk: 'Заплановано', en: 'Planned' },
  onManifest: { uk: 'У списку', en: 'On manifest' },
  presented: { uk: 'Представлено', en: 'Presented' },
  handedOver: { uk: 'Передано', en: 'Handed over' },
  outsideExchange: { uk: 'Поза обміном', en: 'Outside the exchange' },
  notHandedOver: { uk: 'Не передано', en: 'Not handed over' },
  pending: { uk: 'Очікують', en: 'Pending' },
  discrepancies: { uk: 'Розбіжності', en: 'Discrepancies' },
  total: { uk: 'Разом', en: 'Total' },
  line: { uk: 'Рядок', en: 'Line' },
  person: { uk: 'Особа', en: 'Person' },
  outcome: { uk: 'Результат', en: 'Outcome' },
  crossedAt: { uk: 'Час переходу', en: 'Crossed at' },
  substitutions: { uk: 'Заміни', en: 'Substitutions' },
  exceptions: { uk: 'Винятки', en: 'Exceptions' },
  reason: { uk: 'Причина', en: 'Reason' },
  replaced: { uk: 'Замінено', en: 'Replaced' },
  by: { uk: 'Ким', en: 'By' },
  chain: { uk: 'Ланцюг замін', en: 'Substitution chain' },
  warnings: { uk: 'Попередження', en: 'Warnings' },
  warning: { uk: 'Попередження', en: 'Warning' },
  justification: { uk: 'Код обґрунтування', en: 'Justification code' },
  none: { uk: 'Немає', en: 'None' },
  signatures: { uk: 'Підписи', en: 'Signatures' },
  party: { uk: 'Сторона', en: 'Party' },
  mediator: { uk: 'Посередник', en: 'Mediator' },
  signedHash: { uk: 'Підписаний хеш', en: 'Signed hash' },
  signedAt: { uk: 'Підписано', en: 'Signed at' },
  signatureLine: { uk: 'Підпис, ПІБ, посада', en: 'Signature, name, position' },
  notSigned: { uk: 'Ще не підписано', en: 'Not signed yet' },
  hashes: { uk: 'Хеші для перевірки', en: 'Hashes for verification' },
  agreementHash: { uk: 'Хеш угоди', en: 'Agreement hash' },
  manifestHash: { uk: 'Хеш затвердженого списку', en: 'Locked manifest hash' },
  reconciliationHash: {
    uk: 'Хеш звірки (підтвердження етапу)',
    en: 'Reconciliation hash (stage confirmation)',
  },
  recordHash: { uk: 'Хеш запису', en: 'Record hash' },
  target: { uk: 'Ціль', en: 'Target' },
  cumulative: { uk: 'Накопичено', en: 'Cumulative' },
  remaining: { uk: 'Залишилось', en: 'Remaining' },
  perStage: { uk: 'За етапами', en: 'Per stage' },
  generatedAt: { uk: 'Сформовано', en: 'Generated at' },
  namesHidden: {
    uk: 'Імена приховано: ваша роль не дозволяє бачити дані осіб.',
    en: 'Names hidden: your role does not allow reading persons.',
  },
  eligibility: { uk: 'Відповідність категорії', en: 'Category eligibility' },
  refusals: { uk: 'Відмови від повернення', en: 'Refusals of repatriation' },
  destination: { uk: 'Куди', en: 'Destination' },
  occurredAt: { uk: 'Коли', en: 'When' },
  openDiscrepancies: { uk: 'Відкриті розбіжності', en: 'Open discrepancies' },
  unjustified: { uk: 'Попередження без обґрунтування', en: 'Warnings without justification' },
  ineligible: { uk: 'Невідповідні або неперевірені записи', en: 'Ineligible or unverified entries' },
  kind: { uk: 'Вид', en: 'Kind' },
  listEntries: {
    uk: 'Спірні записи списків (невідповідні, вже звільнені, дублікати, невідомі)',
    en: 'Disputed list entries (ineligible, already released, duplicates, unknown)',
  },
  listHash: { uk: 'Хеш версії списку', en: 'List version hash' },
  message: { uk: 'Опис', en: 'Description' },
} satisfies Record<string, Label>;

/** A table header cell with both languages. */
export const th = (l: Label, cls = ''): string => `<th${cls ? ` class="${cls}"` : ''}>${bi(l)}</th>`;

/** A section heading with both languages. */
export const h2 = (l: Label): string => `<h2>${bi(l)}</h2>`;

/** A dl-like row of the header block: a bilingual label and an escaped value. */
export const fact = (l: Label, value: unknown): string =>
  `<div class="fact"><div class="k">${bi(l)}</div><div class="v">${esc(value)}</div></div>`;

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
export function page(title: Label, body: string, generatedAt: string): string {
  return `<!doctype html>
<html lang="uk">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title.uk)} / ${esc(title.en)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${bi(title)}</h1>
${body}
<footer>${bi(L.generatedAt)}: ${esc(generatedAt)} · Homeward</footer>
</body>
</html>
`;
}

export const empty = (): string => `<p class="empty">${bi(L.none)}</p>`;

export const num = (n: number | null | undefined): string =>
  `<td class="n">${n === null || n === undefined ? '—' : esc(n)}</td>`;

/** "code ×n, code ×m" for a discrepancy count map. */
export function codeCounts(m: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(m)
    .filter(([, n]) => n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${esc(k)} ×${esc(n)}`);
  return parts.length ? parts.join(', ') : '—';
}
