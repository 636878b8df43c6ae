/**
 * The example inbox: pick who you are (the demo user, or an agent who sees the whole Chatwoot
 * account), then a conversation list on the left and the open thread on the right.
 */
import { Suspense, useMemo, useState } from 'react';
import { RelayEnvironmentProvider } from 'react-relay';
import { ErrorBoundary } from './ErrorBoundary';
import { Inbox } from './Inbox';
import { createEnvironment, type ViewerHeaders } from './environment';

/** In demo mode a request without `x-chat-user` runs as the seeded user `demo-user`. */
const VIEWS: Record<'user' | 'agent', { label: string; headers: ViewerHeaders }> = {
  user: { label: 'Demo user', headers: {} },
  agent: { label: 'Agent', headers: { 'x-chat-user': 'demo-user', 'x-chat-roles': 'agent' } },
};

export function App() {
  const [view, setView] = useState<keyof typeof VIEWS>('user');
  // One store per viewer: what one viewer may see must never show up in another's view.
  const environment = useMemo(() => createEnvironment(VIEWS[view].headers), [view]);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Example inbox</h1>
        <nav aria-label="View as">
          {(Object.keys(VIEWS) as Array<keyof typeof VIEWS>).map((key) => (
            <button key={key} type="button" aria-pressed={view === key} onClick={() => setView(key)}>
              {VIEWS[key].label}
            </button>
          ))}
        </nav>
      </header>
      <RelayEnvironmentProvider environment={environment} key={view}>
        <ErrorBoundary>
          <Suspense fallback={<p className="loading">Loading conversations…</p>}>
            <Inbox />
          </Suspense>
        </ErrorBoundary>
      </RelayEnvironmentProvider>
    </div>
  );
}
