import { graphql, useLazyLoadQuery } from 'react-relay';
import type { ThreadQuery } from './__generated__/ThreadQuery.graphql';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

/** One conversation: its header, its messages (newest at the bottom) and the composer. */
export function Thread({ conversationId }: { conversationId: string }) {
  const { conversation } = useLazyLoadQuery<ThreadQuery>(
    graphql`
      query ThreadQuery($id: ID!) {
        conversation(id: $id) {
          id
          title
          status
          source {
            name
            kind
          }
          ...MessageList_conversation
        }
      }
    `,
    { id: conversationId },
    { fetchPolicy: 'store-and-network' },
  );
  if (!conversation) return <p role="alert" className="error">This conversation is gone.</p>;
  return (
    <section className="thread" aria-label={conversation.title ?? 'Conversation'}>
      <header>
        <h2>{conversation.title ?? 'Untitled'}</h2>
        <p className="meta">
          {conversation.source.kind} · {conversation.source.name} · {conversation.status}
        </p>
      </header>
      <MessageList conversation={conversation} />
      <Composer conversationId={conversation.id} />
    </section>
  );
}
