// The inbox list, paged forward with usePaginationFragment in a React app.
import { graphql } from 'relay-runtime';

export const inbox = graphql`
  fragment Inbox_query on Query
  @refetchable(queryName: "InboxPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" }) {
    conversations(first: $first, after: $after) @connection(key: "Inbox_conversations") {
      edges { node { id title status updatedAt source { id name kind } } }
    }
  }
`;

export const inboxQuery = graphql`
  query InboxQuery {
    viewer { id externalId }
    ...Inbox_query
  }
`;
