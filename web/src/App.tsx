import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient, ApiContext, MetaContext, type Session, UserContext, useApi } from './api.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { Header } from './components/Header.tsx';
import { ErrorBox, Loading } from './components/ui.tsx';
import { I18nContext, initialLanguage, type Language, makeI18n, storeLanguage } from './i18n.ts';
import { AgreementPage } from './pages/AgreementPage.tsx';
import { BulletinPage } from './pages/BulletinPage.tsx';
import { ExchangesPage } from './pages/ExchangesPage.tsx';
import { ImportPage } from './pages/ImportPage.tsx';
import { ListsPage } from './pages/ListsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MatchesPage } from './pages/MatchesPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PersonFormPage } from './pages/PersonFormPage.tsx';
import { PersonPage } from './pages/PersonPage.tsx';
import { RegistryPage } from './pages/RegistryPage.tsx';
import { StageBoardPage } from './pages/StageBoardPage.tsx';
import { matchPath, navigate, useLocation } from './router.tsx';
import { useLoad } from './useLoad.ts';

type Auth =
  | { status: 'checking' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'signedIn'; session: Session };

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function App() {
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const setLang = useCallback((l: Language) => {
    storeLanguage(l);
    setLangState(l);
  }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const [auth, setAuth] = useState<Auth>({ status: 'checking' });
  const [api] = useState(
    () =>
      new ApiClient(() => {
        setAuth((a) => (a.status === 'signedIn' ? { status: 'anonymous', expired: true } : a));
      }),
  );

  useEffect(() => {
    const ctrl = new AbortController();
    api.getSession(ctrl.signal).then(
      (session) => {
        api.setCsrfToken(session.csrfToken);
        setAuth({ status: 'signedIn', session });
      },
      () => {
        if (!ctrl.signal.aborted) setAuth({ status: 'anonymous', expired: false });
      },
    );
    return () => ctrl.abort();
  }, [api]);

  const location = useLocation();
  const onLoginPage = location.pathname === '/login';
  // The public bulletin needs no sign-in.
  const onPublicPage = location.pathname === '/bulletin';

  useEffect(() => {
    if (auth.status === 'anonymous' && !onLoginPage && !onPublicPage) {
      const next = location.pathname + (location.search.size ? `?${location.search}` : '');
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    } else if (auth.status === 'signedIn' && onLoginPage) {
      navigate(safeNext(location.search.get('next')), { replace: true });
    }
  }, [auth.status, onLoginPage, onPublicPage, location]);

  // Move focus to the new page on client-side navigation, as a full page load would.
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (location.pathname !== '/login') mainRef.current?.focus();
  }, [location.pathname]);

  const onSignedIn = useCallback(
    (session: Session) => {
      api.setCsrfToken(session.csrfToken);
      setAuth({ status: 'signedIn', session });
    },
    [api],
  );

  const onSignOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch {
      // Signing out locally is what matters; the session cookie expires on the server anyway.
    }
    api.setCsrfToken(null);
    setAuth({ status: 'anonymous', expired: false });
    navigate('/login');
  }, [api]);

  let content: ReactNode;
  if (onPublicPage) content = <BulletinPage />;
  else if (auth.status === 'checking') content = <Loading />;
  else if (auth.status === 'anonymous')
    content = onLoginPage ? <LoginPage expired={auth.expired} onSignedIn={onSignedIn} /> : <Loading />;
  else if (onLoginPage) content = <Loading />;
  else
    content = (
      <UserContext value={auth.session.user}>
        <SignedIn pathname={location.pathname} />
      </UserContext>
    );

  return (
    <I18nContext value={i18n}>
      <ApiContext value={api}>
        <a className="skip-link" href="#main">
          {i18n.t('app.skip')}
        </a>
        {auth.status === 'signedIn' && <Header user={auth.session.user} onSignOut={onSignOut} />}
        <main id="main" ref={mainRef} tabIndex={-1} className={onLoginPage ? 'main main-narrow' : 'main'}>
          <ErrorBoundary resetKey={location.pathname} fallback={(error) => <ErrorBox error={error} />}>
            {content}
          </ErrorBoundary>
        </main>
      </ApiContext>
    </I18nContext>
  );
}

/** Everything behind sign-in needs the code lists from /api/meta first. */
function SignedIn({ pathname }: { pathname: string }) {
  const api = useApi();
  const { state, reload } = useLoad('meta', (signal) => api.getMeta(signal));
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorBox error={state.error} onRetry={reload} />;
  return <MetaContext value={state.data}>{route(pathname)}</MetaContext>;
}

function route(pathname: string) {
  if (pathname === '/') return <RegistryPage />;
  if (pathname === '/persons/new') return <PersonFormPage key="new" />;
  if (pathname === '/import') return <ImportPage />;
  if (pathname === '/matches') return <MatchesPage />;
  if (pathname === '/exchanges') return <ExchangesPage />;
  let m = matchPath('/exchanges/:id/lists', pathname);
  if (m?.id) return <ListsPage key={`lists-${m.id}`} exchangeId={m.id} />;
  m = matchPath('/exchanges/:id/agreement', pathname);
  if (m?.id) return <AgreementPage key={`agreement-${m.id}`} exchangeId={m.id} />;
  m = matchPath('/exchanges/:id/stages/:stageId', pathname);
  if (m?.id && m.stageId)
    return <StageBoardPage key={`${m.id}/${m.stageId}`} exchangeId={m.id} stageId={m.stageId} />;
  m = matchPath('/persons/:id/edit', pathname);
  if (m?.id) return <PersonFormPage key={`edit-${m.id}`} id={m.id} />;
  m = matchPath('/persons/:id', pathname);
  if (m?.id) return <PersonPage key={m.id} id={m.id} />;
  return <NotFoundPage />;
}
