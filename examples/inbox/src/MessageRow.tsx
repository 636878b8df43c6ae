import { graphql, useFragment } from 'react-relay';
import type { MessageRow_message$key } from './__generated__/MessageRow_message.graphql';

/** One message: who wrote it (name, sender kind, message role), when, and its text. */
export function MessageRow({ message }: { message: MessageRow_message$key }) {
  const data = useFragment(
    graphql`
      fragment MessageRow_message on Message {
        id
        role
        text
        createdAt
        isPrivate
        sender {
          id
          name
          kind
        }
      }
    `,
    message,
  );
  return (
    <li className={`message role-${data.role.toLowerCase()}`} data-message-id={data.id}>
      <p className="byline">
        <span className="sender-name">{data.sender?.name ?? 'Unknown'}</span>
        <span className="sender-kind">{data.sender?.kind ?? ''}</span>
        <span className="role">{data.role}</span>
        {data.isPrivate && <span className="private">private note</span>}
        {data.createdAt && <time dateTime={String(data.createdAt)}>{new Date(String(data.createdAt)).toLocaleString()}</time>}
      </p>
      <p className="text">{data.text}</p>
    </li>
  );
}
