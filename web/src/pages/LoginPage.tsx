import { type FormEvent, useState } from 'react';
import { ApiError, type Session, useApi } from '../api.ts';
import { LanguageSwitcher } from '../components/ui.tsx';
import { errorMessage } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTitle } from '../useLoad.ts';

export function LoginPage({ expired, onSignedIn }: { expired: boolean; onSignedIn: (s: Session) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useApi();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useTitle(t('login.title'));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(username.trim(), password));
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') setError(t('login.badCredentials'));
      else if (err instanceof ApiError && err.code === 'THROTTLED')
        setError(t('login.throttled', { n: Number(err.details?.retryAfterSeconds ?? 60) }));
      else if (err instanceof ApiError && err.code === 'ACCOUNT_DISABLED') setError(t('login.disabled'));
      else setError(errorMessage(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login" data-testid="login-page">
      <div className="login-top">
        <p className="brand brand-large">{t('app.name')}</p>
        <LanguageSwitcher id="lang-login" />
      </div>
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('login.intro')}</p>
      {expired && !error && (
        <p className="alert alert-info" role="status">
          {t('common.sessionExpired')}
        </p>
      )}
      {error && (
        <p className="alert alert-error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <form onSubmit={submit} className="stack" data-testid="login-form">
        <div className="field">
          <label htmlFor="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            // biome-ignore lint/a11y/noAutofocus: the sign-in page has one task; starting in its first field helps keyboard users
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </div>
        <button type="submit" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
