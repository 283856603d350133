// The kinds of printable report, apart from the renderers so that the CLI can list them cheaply.
export const ReportKinds = ['act', 'reconciliation', 'progress', 'dossier'] as const;
export type ReportKind = (typeof ReportKinds)[number];
