import type { User } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Link, useLocation } from '../router.tsx';
import { LanguageSwitcher } from './ui.tsx';

export function Header({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const { t, code } = useI18n();
  const { pathname } = useLocation();
  // The header sits outside the UserContext provider (App.tsx): ask the user it is given.
  const can = (permission: string) => !user.permissions || user.permissions.includes(permission);
  const links = [
    {
      to: '/',
      label: t('nav.registry'),
      active: pathname === '/' || /^\/persons\/(?!new$)/.test(pathname),
      show: true,
    },
    {
      to: '/persons/new',
      label: t('nav.newPerson'),
      active: pathname === '/persons/new',
      show: can('person:write'),
    },
    { to: '/import', label: t('nav.import'), active: pathname === '/import', show: can('registry:import') },
    { to: '/matches', label: t('nav.matches'), active: pathname === '/matches', show: can('match:review') },
    {
      to: '/exchanges',
      label: t('nav.exchanges'),
      active: pathname.startsWith('/exchanges'),
      show: can('exchange:read'),
    },
    { to: '/bulletin', label: t('nav.bulletin'), active: pathname === '/bulletin', show: true },
  ].filter((l) => l.show);
  return (
    <header className="app-header" data-testid="app-header">
      <div className="app-header-inner">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')} className="main-nav">
          <ul>
            {links.map((l) => (
              <li key={l.to}>
                <Link to={l.to} aria-current={l.active ? 'page' : undefined}>
                  {l.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <p className="user" data-testid="current-user">
            <span className="user-name">{user.displayName || user.username}</span>
            <span className="user-roles">
              <span className="visually-hidden">{t('nav.roles')}: </span>
              {user.roles.map((r) => code('role', r)).join(', ')}
            </span>
          </p>
          <LanguageSwitcher id="lang-header" />
          <button
            type="button"
            className="button-secondary button-small"
            onClick={onSignOut}
            data-testid="sign-out"
          >
            {t('nav.signOut')}
          </button>
        </div>
      </div>
    </header>
  );
}
