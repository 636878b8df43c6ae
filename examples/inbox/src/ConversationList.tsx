import { graphql, usePaginationFragment } from 'react-relay';
import type { ConversationListPaginationQuery } from './__generated__/ConversationListPaginationQuery.graphql';
import type { ConversationList_query$key } from './__generated__/ConversationList_query.graphql';

interface Props {
  query: ConversationList_query$key;
  selectedId: string | null;
  onSelect(conversationId: string): void;
}

/** Every source's conversations, most recently updated first, a page at a time. */
export function ConversationList({ query, selectedId, onSelect }: Props) {
  const { data, loadNext, hasNext, isLoadingNext } = usePaginationFragment<ConversationListPaginationQuery, ConversationList_query$key>(
    graphql`
      fragment ConversationList_query on Query
      @argumentDefinitions(count: { type: "Int", defaultValue: 25 }, cursor: { type: "String" })
      @refetchable(queryName: "ConversationListPaginationQuery") {
        conversations(first: $count, after: $cursor) @connection(key: "ConversationList_conversations") {
          edges {
            node {
              id
              title
              status
              updatedAt
              source {
                name
                kind
              }
            }
          }
        }
      }
    `,
    query,
  );
  const edges = data.conversations?.edges ?? [];
  return (
    <nav aria-label="Conversations">
      <ul className="conversations">
        {edges.map(({ node }) => (
          <li key={node.id}>
            <button
              type="button"
              className="conversation"
              aria-current={node.id === selectedId}
              data-conversation-id={node.id}
              onClick={() => onSelect(node.id)}
            >
              <span className="title">{node.title ?? 'Untitled'}</span>
              <span className="meta">
                {node.source.kind} · {node.source.name} · {node.status}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {hasNext && (
        <button type="button" className="more" disabled={isLoadingNext} onClick={() => loadNext(25)}>
          {isLoadingNext ? 'Loading…' : 'More conversations'}
        </button>
      )}
    </nav>
  );
}
