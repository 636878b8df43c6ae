// Operations a Relay chat UI compiles against schema.graphql (test/clients/relay.test.ts).
import { graphql } from 'relay-runtime';

export const thread = graphql`
  fragment Thread_conversation on Conversation
  @refetchable(queryName: "ThreadPaginationQuery")
  @argumentDefinitions(last: { type: "Int", defaultValue: 10 }, before: { type: "String" }) {
    id
    title
    messages(last: $last, before: $before) @connection(key: "Thread_messages") {
      edges {
        cursor
        node {
          id
          externalId
          role
          text
          createdAt
          isPrivate
          sender { id externalId kind name }
          attachments { id externalId name url mimeType }
          feedback { id rating }
          citations { position documentName }
          agentThoughts { position tool }
        }
      }
    }
  }
`;

export const threadQuery = graphql`
  query ThreadQuery($id: ID!) {
    viewer { id externalId roles }
    conversation(id: $id) { ...Thread_conversation }
  }
`;
