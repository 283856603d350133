import type { Job } from '../api.ts';
import { useI18n } from '../i18n.ts';

/** A running job's phase and progress bar (an indeterminate bar while the total is unknown). */
export function JobProgress({ job }: { job: Job | null }) {
  const { t } = useI18n();
  if (!job || job.state === 'succeeded' || job.state === 'failed') return null;
  const known = job.total !== null && job.total > 0;
  const label =
    job.state === 'queued'
      ? t('job.queued')
      : job.phase === 'writing' && known
        ? t('job.writing', { done: job.done, total: job.total ?? 0 })
        : job.phase === 'matching'
          ? t('job.matching')
          : t('job.validating');
  return (
    <div role="status" aria-live="polite" className="stack" data-testid="job-progress">
      <span>{label}</span>
      <progress
        aria-label={t('job.progress')}
        max={known ? (job.total ?? 1) : undefined}
        value={known ? job.done : undefined}
      />
    </div>
  );
}
