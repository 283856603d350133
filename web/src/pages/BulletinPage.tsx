import { ApiError, type BulletinCell, PUBLIC_BULLETIN_FILE, type PublicBulletin, useApi } from '../api.ts';
import { ErrorBox, LanguageSwitcher, Loading } from '../components/ui.tsx';
import { formatDate, formatInstant, formatNumber } from '../format.ts';
import { type Language, type MessageKey, useI18n } from '../i18n.ts';
import { useLoad, useTitle } from '../useLoad.ts';

/** Sum of the published group totals (`class: all`) of one receiving party, in and outside the exchange. */
function totalTo(cells: readonly BulletinCell[], direction: string): number {
  return cells
    .filter((c) => c.metric.direction === direction && c.metric.class === 'all')
    .reduce((n, c) => n + (c.value ?? 0), 0);
}

const metricKey = (c: BulletinCell) =>
  `${c.metric.direction}-${c.metric.exchange}-${c.metric.subject}-${c.metric.class}`;

const BAR_COLORS = ['#0b4f8a', '#b35c00'];

/** One group of bars per stage (one bar per receiving party), plain SVG, no library. */
function StageChart({ data, label }: { data: PublicBulletin; label: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const b = data.verifiable.bulletin;
  const parties = b.agreement.parties;
  const values = b.stages.map((s) => parties.map((p) => totalTo(s.cells, p.id)));
  const max = Math.max(1, ...values.flat());
  const groupW = 28 * parties.length + 24;
  const h = 180;
  const top = 16;
  const bottom = 40;
  const left = 40;
  const width = Math.max(320, left + groupW * b.stages.length + 8);
  const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
  return (
    <figure className="bulletin-chart">
      <svg
        role="img"
        aria-label={label}
        data-testid="bulletin-chart"
        viewBox={`0 0 ${width} ${h}`}
        width={width}
        height={h}
        style={{ maxWidth: '100%', height: 'auto' }}
      >
        <line x1={left} x2={width - 4} y1={y(0)} y2={y(0)} stroke="#5d6470" />
        <text x={left - 6} y={y(max) + 4} textAnchor="end" fontSize="10">
          {max}
        </text>
        <text x={left - 6} y={y(0) + 4} textAnchor="end" fontSize="10">
          0
        </text>
        {b.stages.map((s, i) => (
          <g key={s.stageId} data-testid="chart-stage" data-stage-id={s.stageId}>
            {parties.map((p, j) => {
              const v = values[i]![j]!;
              const x = left + i * groupW + 12 + j * 28;
              return (
                <rect
                  key={p.id}
                  data-testid="chart-bar"
                  data-direction={p.id}
                  data-value={v}
                  x={x}
                  y={y(v)}
                  width={24}
                  height={y(0) - y(v)}
                  fill={BAR_COLORS[j % BAR_COLORS.length]}
                >
                  <title>{`${formatDate(s.date, i18n)} · ${t('bulletin.to', { party: p.name })}: ${formatNumber(v, i18n)}`}</title>
                </rect>
              );
            })}
            <text x={left + i * groupW + groupW / 2} y={h - bottom + 14} textAnchor="middle" fontSize="10">
              {formatDate(s.date, i18n)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="bulletin-legend">
        {parties.map((p, j) => (
          <span key={p.id}>
            <span className="bulletin-swatch" style={{ background: BAR_COLORS[j % BAR_COLORS.length] }} />{' '}
            {t('bulletin.to', { party: p.name })}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function Value({ v }: { v: number | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (v === null)
    return (
      <span className="badge badge-neutral" data-testid="suppressed" title={t('bulletin.suppressedHelp')}>
        {t('bulletin.suppressed')}
      </span>
    );
  return <>{formatNumber(v, i18n)}</>;
}

const DEFINITION_KEYS = ['direction', 'exchange', 'subject', 'class', 'value'] as const;

/**
 * What a demo node's bulletin is signed with. A demo node simulates the other party, the mediator and
 * a witness with keys named `demo-…`, made when its demo data was seeded and thrown away after
 * (src/demo/demo-signers.ts): `bulletin verify` passes, against keys nobody else holds. A demo data
 * directory seeded before that carries synthetic signatures only, until `homeward demo` runs on it
 * again. Read from the file itself, so the note says what this very file holds.
 */
function demoKeysIn(v: PublicBulletin['verifiable']): string[] {
  const file = v as {
    agreementSignatures?: unknown[];
    signers?: { key?: string }[];
    log?: { key?: string; witnesses?: { name?: string }[] };
  };
  if (!file.agreementSignatures?.length) return [];
  const nameOf = (vkey: string | undefined) => (vkey ?? '').split('+')[0] ?? '';
  // The node's own key signs too, and a demo node's name may start with demo- as well.
  const own = nameOf(file.log?.key);
  const names = [
    ...(file.signers ?? []).map((s) => nameOf(s.key)),
    ...(file.log?.witnesses ?? []).map((w) => w.name ?? ''),
  ];
  return names.filter((n) => n.startsWith('demo-') && n !== own);
}

const DEMO_NOTES: Record<Language, { simulated: string; synthetic: string }> = {
  en: {
    simulated:
      'This is a demo node. The other party, the mediator and the log’s witness are only simulated here: their keys ({keys}) were made when the demo data was seeded, and their private halves thrown away. `homeward bulletin verify` passes: that shows the file is consistent with those keys, not that another node signed it. On a real node, compare the keys with those each party, mediator and witness publishes. `homeward demo --scenario may-2025 --out DIR` produces a bulletin signed by three separate nodes.',
    synthetic:
      'This is a demo node seeded before its other signers were simulated: its agreement and stage signatures are synthetic, so `homeward bulletin verify` reports them as missing. Running `homeward demo` (or `npm start`) on this data directory again adds them; `homeward demo --scenario may-2025 --out DIR` produces a bulletin signed by three separate nodes.',
  },
  uk: {
    simulated:
      'Це демонстраційний вузол. Іншу сторону, посередника й свідка журналу тут лише змодельовано: їхні ключі ({keys}) створено під час заповнення демо-даних, а закриті ключі відкинуто. `homeward bulletin verify` пройде: це показує, що файл узгоджений із цими ключами, а не що його підписав інший вузол. На справжньому вузлі звіряйте ключі з тими, які публікують сторони, посередник і свідки. Бюлетень, підписаний трьома окремими вузлами, дає `homeward demo --scenario may-2025 --out DIR`.',
    synthetic:
      'Це демонстраційний вузол, заповнений до того, як інших підписантів почали моделювати: підписи угоди й етапів тут синтетичні, тож `homeward bulletin verify` повідомить, що їх бракує. Повторний запуск `homeward demo` (або `npm start`) на цьому каталозі даних їх додасть; бюлетень, підписаний трьома окремими вузлами, дає `homeward demo --scenario may-2025 --out DIR`.',
  },
  ru: {
    simulated:
      'Это демонстрационный узел. Другая сторона, посредник и свидетель журнала здесь лишь смоделированы: их ключи ({keys}) созданы при заполнении демо-данных, а закрытые ключи отброшены. `homeward bulletin verify` пройдёт: это показывает, что файл согласован с этими ключами, а не что его подписал другой узел. На настоящем узле сверяйте ключи с теми, что публикуют стороны, посредник и свидетели. Бюллетень, подписанный тремя отдельными узлами, даёт `homeward demo --scenario may-2025 --out DIR`.',
    synthetic:
      'Это демонстрационный узел, заполненный до того, как других подписантов стали моделировать: подписи соглашения и этапов здесь синтетические, поэтому `homeward bulletin verify` сообщит, что их нет. Повторный запуск `homeward demo` (или `npm start`) на этом каталоге данных их добавит; бюллетень, подписанный тремя отдельными узлами, даёт `homeward demo --scenario may-2025 --out DIR`.',
  },
};

/** The demo note for this file: simulated demo signers (verify passes) or synthetic signatures. */
function DemoNote({ data }: { data: PublicBulletin }) {
  const { lang } = useI18n();
  const keys = demoKeysIn(data.verifiable);
  const notes = DEMO_NOTES[lang];
  return (
    <p
      className="alert alert-info"
      role="note"
      data-testid="bulletin-demo-note"
      data-signatures={keys.length > 0 ? 'simulated' : 'synthetic'}
    >
      {keys.length > 0 ? notes.simulated.replace('{keys}', keys.join(', ')) : notes.synthetic}
    </p>
  );
}

/** The public bulletin: no sign-in, counts only, with their definitions and how to verify them. */
export function BulletinPage() {
  const { t } = useI18n();
  const api = useApi();
  useTitle(t('bulletin.title'));
  const { state, reload } = useLoad('public-bulletin', (signal) => api.getPublicBulletin(signal));
  const notFound = state.status === 'error' && state.error instanceof ApiError && state.error.status === 404;
  return (
    <div data-testid="bulletin-page">
      <div className="page-title">
        <h1>{t('bulletin.title')}</h1>
        <LanguageSwitcher id="lang-bulletin" />
      </div>
      <p className="muted">{t('bulletin.intro')}</p>
      {state.status === 'loading' && <Loading />}
      {notFound && (
        <p className="empty" role="status" data-testid="bulletin-empty">
          {t('bulletin.empty')}
        </p>
      )}
      {state.status === 'error' && !notFound && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'ok' && <BulletinView data={state.data} />}
    </div>
  );
}

function BulletinView({ data }: { data: PublicBulletin }) {
  const i18n = useI18n();
  const { t } = i18n;
  const b = data.verifiable.bulletin;
  const party = (id: string) => b.agreement.parties.find((p) => p.id === id)?.name ?? id;
  const metricLabel = (c: BulletinCell) =>
    [
      t(`bulletin.exchange.${c.metric.exchange}` as MessageKey),
      t(`bulletin.subject.${c.metric.subject}` as MessageKey),
      t(`bulletin.class.${c.metric.class}` as MessageKey),
    ].join(' · ');
  return (
    <>
      <section className="card" data-testid="bulletin-summary">
        <h2>
          {b.agreement.title}
          {b.agreement.ordinal !== null && <span className="muted small"> · №{b.agreement.ordinal}</span>}
        </h2>
        <p className="muted small">
          {t('bulletin.published', { when: formatInstant(data.publishedAt, i18n) })} · {data.exchangeId}
        </p>
        <div className="bulletin-totals">
          {b.agreement.parties.map((p) => (
            <div key={p.id} className="bulletin-total" data-testid="bulletin-total" data-direction={p.id}>
              <div className="muted small">{t('bulletin.to', { party: p.name })}</div>
              <div className="bulletin-big">{formatNumber(totalTo(b.cumulative, p.id), i18n)}</div>
            </div>
          ))}
        </div>
      </section>

      <section className="card">
        <h2>{t('bulletin.chartTitle')}</h2>
        <StageChart data={data} label={t('bulletin.chartTitle')} />
      </section>

      <section className="card">
        <h2>{t('bulletin.cumulative')}</h2>
        <div className="table-wrap">
          <table className="table table-compact" data-testid="bulletin-cumulative">
            <thead>
              <tr>
                <th scope="col">{t('bulletin.colDirection')}</th>
                <th scope="col">{t('bulletin.colMetric')}</th>
                <th scope="col" className="num">
                  {t('bulletin.colValue')}
                </th>
              </tr>
            </thead>
            <tbody>
              {b.cumulative.map((c) => (
                <tr key={metricKey(c)} data-testid="cumulative-cell">
                  <th scope="row">{t('bulletin.to', { party: party(c.metric.direction) })}</th>
                  <td>{metricLabel(c)}</td>
                  <td className="num">
                    <Value v={c.value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card">
        <h2>{t('bulletin.stages')}</h2>
        <div className="table-wrap">
          <table className="table table-compact" data-testid="bulletin-stages">
            <thead>
              <tr>
                <th scope="col">{t('bulletin.colDate')}</th>
                <th scope="col">{t('bulletin.colDirection')}</th>
                <th scope="col">{t('bulletin.colMetric')}</th>
                <th scope="col" className="num">
                  {t('bulletin.colValue')}
                </th>
                <th scope="col">{t('bulletin.colCommitment')}</th>
              </tr>
            </thead>
            <tbody>
              {b.stages.flatMap((s) =>
                s.cells.map((c, i) => (
                  <tr key={`${s.stageId}-${metricKey(c)}`} data-stage-id={s.stageId}>
                    <td className="nowrap">{i === 0 ? formatDate(s.date, i18n) : ''}</td>
                    <th scope="row">{t('bulletin.to', { party: party(c.metric.direction) })}</th>
                    <td>{metricLabel(c)}</td>
                    <td className="num">
                      <Value v={c.value} />
                    </td>
                    <td>
                      {i === 0 && (
                        <code className="small" title={s.commitment}>
                          {s.commitment.slice(0, 16)}…
                        </code>
                      )}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
        <p className="muted small">{t('bulletin.threshold', { n: b.threshold })}</p>
      </section>

      <section className="card" data-testid="bulletin-definitions">
        <h2>{t('bulletin.definitions')}</h2>
        <dl className="bulletin-defs">
          {DEFINITION_KEYS.map((k) => (
            <div key={k}>
              <dt>{t(`bulletin.def.${k}` as MessageKey)}</dt>
              <dd>
                {t(`bulletin.defText.${k}` as MessageKey)}
                {b.definitions[k] && (
                  <span className="muted small" lang="en">
                    {' '}
                    ({b.definitions[k]})
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="card" data-testid="bulletin-verify">
        <h2>{t('bulletin.verifyTitle')}</h2>
        <p>{t('bulletin.verifyIntro')}</p>
        {data.demo && <DemoNote data={data} />}
        <ol>
          <li>
            {/* The server's own bytes, not a re-serialisation: what `bulletin verify` checks is this file. */}
            <a
              className="button button-small"
              href={PUBLIC_BULLETIN_FILE}
              download="bulletin.json"
              data-testid="bulletin-download"
            >
              {t('bulletin.download')}
            </a>
          </li>
          <li>
            <code data-testid="verify-command">homeward bulletin verify bulletin.json</code>
          </li>
        </ol>
        <p className="muted small">{t('bulletin.verifyKeys')}</p>
      </section>
    </>
  );
}
