/* eslint-disable */
import * as types from './graphql';
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
    "\n  fragment UserFields on User {\n    id\n    email\n    fullName\n  }\n": typeof types.UserFieldsFragmentDoc,
    "\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...UserFields\n    }\n  }\n": typeof types.AuthPayloadFieldsFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n": typeof types.LogoutDocument,
    "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Providers {\n    providers {\n      provider\n      displayName\n      configured\n      defaultModel\n      models\n      isDefault\n    }\n  }\n": typeof types.ProvidersDocument,
    "\n  fragment ConversationListItem on Conversation {\n    id\n    title\n    aiProvider\n    aiModel\n    updatedAt\n  }\n": typeof types.ConversationListItemFragmentDoc,
    "\n  query Conversations($first: Int!, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationListItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConversationsDocument,
    "\n  fragment MessageFields on Message {\n    id\n    conversationId\n    role\n    content\n    status\n    tokensUsed\n    metadata\n    createdAt\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  query Conversation($id: ID!, $last: Int!, $before: String) {\n    conversation(id: $id) {\n      ...ConversationListItem\n      systemPrompt\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": typeof types.ConversationDocument,
    "\n  mutation CreateConversation($input: CreateConversationInput!) {\n    createConversation(input: $input) {\n      ...ConversationListItem\n    }\n  }\n": typeof types.CreateConversationDocument,
    "\n  mutation RenameConversation($id: ID!, $title: String!) {\n    updateConversation(id: $id, input: { title: $title }) {\n      ...ConversationListItem\n    }\n  }\n": typeof types.RenameConversationDocument,
    "\n  mutation DeleteConversation($id: ID!) {\n    deleteConversation(id: $id)\n  }\n": typeof types.DeleteConversationDocument,
    "\n  subscription GenerateReply($conversationId: ID!, $content: String!) {\n    generateReply(conversationId: $conversationId, content: $content) {\n      __typename\n      ... on ReplyStarted {\n        assistantMessageId\n        userMessage {\n          ...MessageFields\n        }\n        conversation {\n          ...ConversationListItem\n        }\n      }\n      ... on ReplyDelta {\n        assistantMessageId\n        text\n      }\n      ... on ReplyCompleted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on ReplyFailed {\n        code\n        error\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n": typeof types.GenerateReplyDocument,
};
const documents: Documents = {
    "\n  fragment UserFields on User {\n    id\n    email\n    fullName\n  }\n": types.UserFieldsFragmentDoc,
    "\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...UserFields\n    }\n  }\n": types.AuthPayloadFieldsFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n": types.MeDocument,
    "\n  query Providers {\n    providers {\n      provider\n      displayName\n      configured\n      defaultModel\n      models\n      isDefault\n    }\n  }\n": types.ProvidersDocument,
    "\n  fragment ConversationListItem on Conversation {\n    id\n    title\n    aiProvider\n    aiModel\n    updatedAt\n  }\n": types.ConversationListItemFragmentDoc,
    "\n  query Conversations($first: Int!, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationListItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConversationsDocument,
    "\n  fragment MessageFields on Message {\n    id\n    conversationId\n    role\n    content\n    status\n    tokensUsed\n    metadata\n    createdAt\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  query Conversation($id: ID!, $last: Int!, $before: String) {\n    conversation(id: $id) {\n      ...ConversationListItem\n      systemPrompt\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": types.ConversationDocument,
    "\n  mutation CreateConversation($input: CreateConversationInput!) {\n    createConversation(input: $input) {\n      ...ConversationListItem\n    }\n  }\n": types.CreateConversationDocument,
    "\n  mutation RenameConversation($id: ID!, $title: String!) {\n    updateConversation(id: $id, input: { title: $title }) {\n      ...ConversationListItem\n    }\n  }\n": types.RenameConversationDocument,
    "\n  mutation DeleteConversation($id: ID!) {\n    deleteConversation(id: $id)\n  }\n": types.DeleteConversationDocument,
    "\n  subscription GenerateReply($conversationId: ID!, $content: String!) {\n    generateReply(conversationId: $conversationId, content: $content) {\n      __typename\n      ... on ReplyStarted {\n        assistantMessageId\n        userMessage {\n          ...MessageFields\n        }\n        conversation {\n          ...ConversationListItem\n        }\n      }\n      ... on ReplyDelta {\n        assistantMessageId\n        text\n      }\n      ... on ReplyCompleted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on ReplyFailed {\n        code\n        error\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n": types.GenerateReplyDocument,
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
export function graphql(source: "\n  fragment UserFields on User {\n    id\n    email\n    fullName\n  }\n"): (typeof documents)["\n  fragment UserFields on User {\n    id\n    email\n    fullName\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...UserFields\n    }\n  }\n"): (typeof documents)["\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...UserFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n"): (typeof documents)["\n  mutation Logout($refreshToken: String) {\n    logout(refreshToken: $refreshToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Providers {\n    providers {\n      provider\n      displayName\n      configured\n      defaultModel\n      models\n      isDefault\n    }\n  }\n"): (typeof documents)["\n  query Providers {\n    providers {\n      provider\n      displayName\n      configured\n      defaultModel\n      models\n      isDefault\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConversationListItem on Conversation {\n    id\n    title\n    aiProvider\n    aiModel\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment ConversationListItem on Conversation {\n    id\n    title\n    aiProvider\n    aiModel\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversations($first: Int!, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationListItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Conversations($first: Int!, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationListItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    conversationId\n    role\n    content\n    status\n    tokensUsed\n    metadata\n    createdAt\n  }\n"): (typeof documents)["\n  fragment MessageFields on Message {\n    id\n    conversationId\n    role\n    content\n    status\n    tokensUsed\n    metadata\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversation($id: ID!, $last: Int!, $before: String) {\n    conversation(id: $id) {\n      ...ConversationListItem\n      systemPrompt\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Conversation($id: ID!, $last: Int!, $before: String) {\n    conversation(id: $id) {\n      ...ConversationListItem\n      systemPrompt\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConversation($input: CreateConversationInput!) {\n    createConversation(input: $input) {\n      ...ConversationListItem\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConversation($input: CreateConversationInput!) {\n    createConversation(input: $input) {\n      ...ConversationListItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameConversation($id: ID!, $title: String!) {\n    updateConversation(id: $id, input: { title: $title }) {\n      ...ConversationListItem\n    }\n  }\n"): (typeof documents)["\n  mutation RenameConversation($id: ID!, $title: String!) {\n    updateConversation(id: $id, input: { title: $title }) {\n      ...ConversationListItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteConversation($id: ID!) {\n    deleteConversation(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteConversation($id: ID!) {\n    deleteConversation(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription GenerateReply($conversationId: ID!, $content: String!) {\n    generateReply(conversationId: $conversationId, content: $content) {\n      __typename\n      ... on ReplyStarted {\n        assistantMessageId\n        userMessage {\n          ...MessageFields\n        }\n        conversation {\n          ...ConversationListItem\n        }\n      }\n      ... on ReplyDelta {\n        assistantMessageId\n        text\n      }\n      ... on ReplyCompleted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on ReplyFailed {\n        code\n        error\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription GenerateReply($conversationId: ID!, $content: String!) {\n    generateReply(conversationId: $conversationId, content: $content) {\n      __typename\n      ... on ReplyStarted {\n        assistantMessageId\n        userMessage {\n          ...MessageFields\n        }\n        conversation {\n          ...ConversationListItem\n        }\n      }\n      ... on ReplyDelta {\n        assistantMessageId\n        text\n      }\n      ... on ReplyCompleted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on ReplyFailed {\n        code\n        error\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;