/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ConversationMessages($id: ID!, $last: Int!, $before: String) {\n  conversation(id: $id) {\n    ...ConversationRow\n    messages(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageBubble\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}": typeof types.ConversationMessagesDocument,
    "query ConversationsPage($first: Int!, $after: String, $sourceIds: [ID!]) {\n  conversations(first: $first, after: $after, sourceIds: $sourceIds) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}": typeof types.ConversationsPageDocument,
    "fragment MessageBubble on Message {\n  id\n  role\n  text\n  createdAt\n  isPrivate\n  sender {\n    id\n    name\n    kind\n  }\n  attachments {\n    id\n    name\n    url\n    mimeType\n  }\n}\n\nfragment ConversationRow on Conversation {\n  id\n  externalId\n  title\n  status\n  updatedAt\n  source {\n    id\n    name\n    kind\n  }\n}": typeof types.MessageBubbleFragmentDoc,
    "query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n    ... on Message {\n      conversation {\n        id\n        title\n      }\n    }\n    ... on Source {\n      name\n      kind\n      canListConversations\n    }\n  }\n}\n\nquery NodesByIds($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n  }\n}": typeof types.NodeByIdDocument,
    "query RecentConversations($first: Int = 10, $lastMessages: Int = 3) {\n  viewer {\n    id\n    externalId\n    roles\n  }\n  conversations(first: $first) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n        messages(last: $lastMessages) {\n          edges {\n            node {\n              ...MessageBubble\n            }\n          }\n          pageInfo {\n            hasPreviousPage\n            startCursor\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.RecentConversationsDocument,
    "query Sources {\n  sources {\n    id\n    name\n    kind\n    canListConversations\n  }\n}\n\nquery ConversationByExternalId($source: String!, $externalId: String!) {\n  source(name: $source) {\n    conversation(externalId: $externalId) {\n      ...ConversationRow\n    }\n  }\n}": typeof types.SourcesDocument,
};
const documents: Documents = {
    "query ConversationMessages($id: ID!, $last: Int!, $before: String) {\n  conversation(id: $id) {\n    ...ConversationRow\n    messages(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageBubble\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}": types.ConversationMessagesDocument,
    "query ConversationsPage($first: Int!, $after: String, $sourceIds: [ID!]) {\n  conversations(first: $first, after: $after, sourceIds: $sourceIds) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}": types.ConversationsPageDocument,
    "fragment MessageBubble on Message {\n  id\n  role\n  text\n  createdAt\n  isPrivate\n  sender {\n    id\n    name\n    kind\n  }\n  attachments {\n    id\n    name\n    url\n    mimeType\n  }\n}\n\nfragment ConversationRow on Conversation {\n  id\n  externalId\n  title\n  status\n  updatedAt\n  source {\n    id\n    name\n    kind\n  }\n}": types.MessageBubbleFragmentDoc,
    "query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n    ... on Message {\n      conversation {\n        id\n        title\n      }\n    }\n    ... on Source {\n      name\n      kind\n      canListConversations\n    }\n  }\n}\n\nquery NodesByIds($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n  }\n}": types.NodeByIdDocument,
    "query RecentConversations($first: Int = 10, $lastMessages: Int = 3) {\n  viewer {\n    id\n    externalId\n    roles\n  }\n  conversations(first: $first) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n        messages(last: $lastMessages) {\n          edges {\n            node {\n              ...MessageBubble\n            }\n          }\n          pageInfo {\n            hasPreviousPage\n            startCursor\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.RecentConversationsDocument,
    "query Sources {\n  sources {\n    id\n    name\n    kind\n    canListConversations\n  }\n}\n\nquery ConversationByExternalId($source: String!, $externalId: String!) {\n  source(name: $source) {\n    conversation(externalId: $externalId) {\n      ...ConversationRow\n    }\n  }\n}": types.SourcesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConversationMessages($id: ID!, $last: Int!, $before: String) {\n  conversation(id: $id) {\n    ...ConversationRow\n    messages(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageBubble\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query ConversationMessages($id: ID!, $last: Int!, $before: String) {\n  conversation(id: $id) {\n    ...ConversationRow\n    messages(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MessageBubble\n        }\n      }\n      pageInfo {\n        hasPreviousPage\n        hasNextPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConversationsPage($first: Int!, $after: String, $sourceIds: [ID!]) {\n  conversations(first: $first, after: $after, sourceIds: $sourceIds) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}"): (typeof documents)["query ConversationsPage($first: Int!, $after: String, $sourceIds: [ID!]) {\n  conversations(first: $first, after: $after, sourceIds: $sourceIds) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MessageBubble on Message {\n  id\n  role\n  text\n  createdAt\n  isPrivate\n  sender {\n    id\n    name\n    kind\n  }\n  attachments {\n    id\n    name\n    url\n    mimeType\n  }\n}\n\nfragment ConversationRow on Conversation {\n  id\n  externalId\n  title\n  status\n  updatedAt\n  source {\n    id\n    name\n    kind\n  }\n}"): (typeof documents)["fragment MessageBubble on Message {\n  id\n  role\n  text\n  createdAt\n  isPrivate\n  sender {\n    id\n    name\n    kind\n  }\n  attachments {\n    id\n    name\n    url\n    mimeType\n  }\n}\n\nfragment ConversationRow on Conversation {\n  id\n  externalId\n  title\n  status\n  updatedAt\n  source {\n    id\n    name\n    kind\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n    ... on Message {\n      conversation {\n        id\n        title\n      }\n    }\n    ... on Source {\n      name\n      kind\n      canListConversations\n    }\n  }\n}\n\nquery NodesByIds($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n  }\n}"): (typeof documents)["query NodeById($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n    ... on Message {\n      conversation {\n        id\n        title\n      }\n    }\n    ... on Source {\n      name\n      kind\n      canListConversations\n    }\n  }\n}\n\nquery NodesByIds($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    __typename\n    id\n    ...ConversationRow\n    ...MessageBubble\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RecentConversations($first: Int = 10, $lastMessages: Int = 3) {\n  viewer {\n    id\n    externalId\n    roles\n  }\n  conversations(first: $first) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n        messages(last: $lastMessages) {\n          edges {\n            node {\n              ...MessageBubble\n            }\n          }\n          pageInfo {\n            hasPreviousPage\n            startCursor\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query RecentConversations($first: Int = 10, $lastMessages: Int = 3) {\n  viewer {\n    id\n    externalId\n    roles\n  }\n  conversations(first: $first) {\n    edges {\n      cursor\n      node {\n        ...ConversationRow\n        messages(last: $lastMessages) {\n          edges {\n            node {\n              ...MessageBubble\n            }\n          }\n          pageInfo {\n            hasPreviousPage\n            startCursor\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Sources {\n  sources {\n    id\n    name\n    kind\n    canListConversations\n  }\n}\n\nquery ConversationByExternalId($source: String!, $externalId: String!) {\n  source(name: $source) {\n    conversation(externalId: $externalId) {\n      ...ConversationRow\n    }\n  }\n}"): (typeof documents)["query Sources {\n  sources {\n    id\n    name\n    kind\n    canListConversations\n  }\n}\n\nquery ConversationByExternalId($source: String!, $externalId: String!) {\n  source(name: $source) {\n    conversation(externalId: $externalId) {\n      ...ConversationRow\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;