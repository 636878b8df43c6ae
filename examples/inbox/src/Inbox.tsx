import { Suspense, useState } from 'react';
import { graphql, useLazyLoadQuery } from 'react-relay';
import type { InboxQuery } from './__generated__/InboxQuery.graphql';
import { ConversationList } from './ConversationList';
import { ErrorBoundary } from './ErrorBoundary';
import { Thread } from './Thread';

/** The viewer's conversations, and the one picked. */
export function Inbox() {
  const data = useLazyLoadQuery<InboxQuery>(
    graphql`
      query InboxQuery {
        viewer {
          externalId
          roles
        }
        ...ConversationList_query
      }
    `,
    {},
  );
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const roles = data.viewer.roles.length > 0 ? data.viewer.roles.join(', ') : 'no roles';
  return (
    <div className="inbox">
      <aside>
        <p className="viewer">
          Signed in as {data.viewer.externalId} · {roles}
        </p>
        <ConversationList query={data} selectedId={selectedId} onSelect={setSelectedId} />
      </aside>
      <main>
        {selectedId ? (
          <ErrorBoundary key={selectedId}>
            <Suspense fallback={<p className="loading">Loading messages…</p>}>
              <Thread conversationId={selectedId} />
            </Suspense>
          </ErrorBoundary>
        ) : (
          <p className="hint">Pick a conversation.</p>
        )}
      </main>
    </div>
  );
}
