import { useState, type FormEvent } from 'react';
import { graphql, useMutation } from 'react-relay';
import { ConnectionHandler } from 'relay-runtime';
import type { ComposerMutation } from './__generated__/ComposerMutation.graphql';

/** Sends a message to the open conversation and adds what the send created to its thread. */
export function Composer({ conversationId }: { conversationId: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [commit, isSending] = useMutation<ComposerMutation>(graphql`
    mutation ComposerMutation($input: SendMessageInput!, $connections: [ID!]!) {
      sendMessage(input: $input) {
        messageEdges @appendEdge(connections: $connections) {
          cursor
          node {
            id
            ...MessageRow_message
          }
        }
      }
    }
  `);

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setError(null);
    commit({
      // The thread's messages connection (MessageList), which takes no filtering arguments.
      variables: { input: { conversationId, text }, connections: [ConnectionHandler.getConnectionID(conversationId, 'MessageList_messages')] },
      onCompleted: (_response, errors) => {
        if (errors?.length) setError(errors.map((each) => each.message).join('; '));
        else setText('');
      },
      onError: (failure) => setError(failure.message),
    });
  };

  return (
    <form className="composer" onSubmit={send}>
      <label htmlFor="composer-text">Reply</label>
      <textarea id="composer-text" value={text} onChange={(event) => setText(event.target.value)} rows={2} />
      <button type="submit" disabled={isSending || !text.trim()}>
        {isSending ? 'Sending…' : 'Send'}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
