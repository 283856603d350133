import { useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useTitle } from '../useLoad.ts';

export function NotFoundPage() {
  const { t } = useI18n();
  useTitle(t('notFound.title'));
  return (
    <div data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
      </p>
    </div>
  );
}
