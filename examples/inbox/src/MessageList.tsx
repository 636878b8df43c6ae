import { useLayoutEffect, useMemo, useRef } from 'react';
import { graphql, usePaginationFragment, useSubscription } from 'react-relay';
import type { GraphQLSubscriptionConfig } from 'relay-runtime';
import type { MessageListPaginationQuery } from './__generated__/MessageListPaginationQuery.graphql';
import type { MessageListSubscription } from './__generated__/MessageListSubscription.graphql';
import type { MessageList_conversation$key } from './__generated__/MessageList_conversation.graphql';
import { MessageRow } from './MessageRow';

const PAGE_SIZE = 20;
/** Scrolled this close (px) to the top, the next older page is read. */
const LOAD_OLDER_WITHIN = 48;

/**
 * A thread's messages, oldest first: the newest page at first, older pages as the reader
 * scrolls up (`last`/`before`), and new messages appended live (`messageAdded`).
 */
export function MessageList({ conversation }: { conversation: MessageList_conversation$key }) {
  const { data, loadPrevious, hasPrevious, isLoadingPrevious } = usePaginationFragment<
    MessageListPaginationQuery,
    MessageList_conversation$key
  >(
    graphql`
      fragment MessageList_conversation on Conversation
      @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" })
      @refetchable(queryName: "MessageListPaginationQuery") {
        id
        messages(last: $count, before: $cursor) @connection(key: "MessageList_messages") {
          __id
          edges {
            node {
              id
              ...MessageRow_message
            }
          }
        }
      }
    `,
    conversation,
  );
  const edges = data.messages?.edges ?? [];
  const connectionId = data.messages?.__id;

  const subscription = useMemo<GraphQLSubscriptionConfig<MessageListSubscription>>(
    () => ({
      subscription: graphql`
        subscription MessageListSubscription($conversationId: ID!, $connections: [ID!]!) {
          messageAdded(conversationId: $conversationId) @appendNode(connections: $connections, edgeTypeName: "MessageEdge") {
            id
            ...MessageRow_message
          }
        }
      `,
      variables: { conversationId: data.id, connections: connectionId ? [connectionId] : [] },
    }),
    [data.id, connectionId],
  );
  useSubscription(subscription);

  const list = useRef<HTMLOListElement>(null);
  const shown = useRef<{ firstId?: string; lastId?: string; height: number }>({ height: 0 });
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    const firstId = edges[0]?.node.id;
    const lastId = edges[edges.length - 1]?.node.id;
    const before = shown.current;
    if (before.firstId === undefined || lastId !== before.lastId) {
      // First page, or a new message below: show the newest.
      element.scrollTop = element.scrollHeight;
    } else if (firstId !== before.firstId) {
      // An older page came in above: keep the message the reader was looking at in place.
      element.scrollTop += element.scrollHeight - before.height;
    }
    shown.current = { firstId, lastId, height: element.scrollHeight };
  }, [edges]);

  const loadOlder = () => {
    if (hasPrevious && !isLoadingPrevious) loadPrevious(PAGE_SIZE);
  };

  return (
    <ol
      className="messages"
      ref={list}
      aria-busy={isLoadingPrevious}
      onScroll={(event) => {
        if (event.currentTarget.scrollTop <= LOAD_OLDER_WITHIN) loadOlder();
      }}
    >
      <li className="history-edge">
        {hasPrevious ? (
          <button type="button" onClick={loadOlder} disabled={isLoadingPrevious}>
            {isLoadingPrevious ? 'Loading older messages…' : 'Older messages'}
          </button>
        ) : (
          <span className="thread-start">Start of the conversation</span>
        )}
      </li>
      {edges.map(({ node }) => (
        <MessageRow key={node.id} message={node} />
      ))}
    </ol>
  );
}
