import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { PageHeading } from './components/page-heading';
import type { ConsoleAuth } from './auth/types';
import type { TokenAuth } from './auth/token';
import { ErrorBoundary } from './components/error-boundary';
import { route, routeQuery, type Route } from './router';
import { ActivityPage } from './pages/activity';
import { ChannelDetailPage } from './pages/channel-detail';
import { ChannelFormPage } from './pages/channel-form';
import { ChannelsPage } from './pages/channels';
import { CoordinatePage } from './pages/coordinate';
import { PublicationsPage } from './pages/publications';
import { RunsPage } from './pages/runs';
import { StatusPage } from './pages/status';
import { TimelinePage } from './pages/timeline';
import { WavePage } from './pages/wave';

const NAV: { href: string; label: string; pages: Route['page'][] }[] = [
  { href: '#/', label: 'Status', pages: ['status'] },
  { href: '#/channels', label: 'Channels', pages: ['channels', 'channel', 'channel-new', 'channel-edit'] },
  { href: '#/timeline', label: 'Timeline', pages: ['timeline'] },
  { href: '#/coordinate', label: 'Coordinate', pages: ['coordinate'] },
  { href: '#/wave', label: 'Wave', pages: ['wave'] },
  { href: '#/publications', label: 'Publications', pages: ['publications'] },
  { href: '#/runs', label: 'Pipeline runs', pages: ['runs'] },
  { href: '#/activity', label: 'Activity', pages: ['activity'] },
];

function Page({ current }: { current: Route }) {
  switch (current.page) {
    case 'status':
      return <StatusPage />;
    case 'channels':
      return <ChannelsPage />;
    case 'channel-new':
      return <ChannelFormPage />;
    case 'channel':
      return <ChannelDetailPage id={current.id} />;
    case 'channel-edit':
      return <ChannelFormPage id={current.id} />;
    case 'timeline':
      return <TimelinePage />;
    case 'coordinate':
      return <CoordinatePage />;
    case 'wave':
      return <WavePage />;
    case 'publications':
      return <PublicationsPage />;
    case 'runs':
      return <RunsPage />;
    case 'activity':
      return <ActivityPage />;
    case 'not-found':
      return (
        <>
          <PageHeading>Page not found</PageHeading>
          <p>
            Nothing lives at <code>#/{current.path}</code>. <a href="#/">Go to the status board</a>.
          </p>
        </>
      );
  }
}

function Shell({ auth, children }: { auth: ConsoleAuth; children: ComponentChildren }) {
  const current = route.value;
  const routeKey = JSON.stringify(current);
  const firstRoute = useRef(true);
  // After a move to another page, focus goes to its main region (as a page load would put it at the top), not left on the link.
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [routeKey]);
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="site-header">
        <p class="brand">Channel Orchestrator</p>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.pages.includes(current.page) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {auth.kind !== 'none' && (
          <button type="button" class="sign-out" onClick={() => auth.signOut()}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** Asked once per tab when the API wants a bearer token (ORCHESTRATOR_API_TOKEN). */
function TokenForm({ auth }: { auth: TokenAuth }) {
  const [value, setValue] = useState('');
  const refused = auth.refusedReason();
  return (
    <>
      <header class="site-header">
        <p class="brand">Channel Orchestrator</p>
      </header>
      <main id="main">
        <h1>Sign in</h1>
        {refused && (
          <div role="alert" class="alert">
            <p>
              <strong>unauthorized</strong>: {refused}
            </p>
          </div>
        )}
        <form
          class="form narrow"
          onSubmit={(e) => {
            e.preventDefault();
            auth.useToken(value);
          }}
        >
          <p>The API needs its bearer token (ORCHESTRATOR_API_TOKEN). It is kept in this tab only.</p>
          <div class="field">
            <label for="api-token">API token</label>
            <input id="api-token" type="password" autoComplete="off" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </div>
          <button type="submit" class="primary">
            Use token
          </button>
        </form>
      </main>
    </>
  );
}

export function App({ auth }: { auth: ConsoleAuth }) {
  if (!auth.isSignedIn()) {
    if (auth.kind === 'token') return <TokenForm auth={auth as TokenAuth} />;
    return (
      <main id="main">
        <h1>Sign in</h1>
        <button type="button" class="primary" onClick={() => void auth.authorization()}>
          Sign in
        </button>
      </main>
    );
  }
  const current = route.value;
  const key = `${JSON.stringify(current)}?${routeQuery.value}`;
  return (
    <Shell auth={auth}>
      <ErrorBoundary key={key}>
        <Page current={current} />
      </ErrorBoundary>
    </Shell>
  );
}
