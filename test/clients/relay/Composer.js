// Writes with Relay's declarative connection directives.
import { graphql } from 'relay-runtime';

export const send = graphql`
  mutation ComposerSendMutation($input: SendMessageInput!, $connections: [ID!]!) {
    sendMessage(input: $input) {
      messageEdges @appendEdge(connections: $connections) {
        cursor
        node { id role text sender { id kind name } }
      }
      conversation { id updatedAt }
    }
  }
`;

export const remove = graphql`
  mutation ComposerDeleteMutation($input: DeleteConversationInput!, $connections: [ID!]!) {
    deleteConversation(input: $input) {
      deletedConversationId @deleteEdge(connections: $connections)
    }
  }
`;
