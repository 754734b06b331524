import { graphql } from "@/gql";

export const providersQuery = graphql(`
  query Providers {
    providers {
      provider
      displayName
      configured
      defaultModel
      models
      isDefault
    }
  }
`);

export const conversationListItemFragment = graphql(`
  fragment ConversationListItem on Conversation {
    id
    title
    aiProvider
    aiModel
    updatedAt
  }
`);

export const conversationsQuery = graphql(`
  query Conversations($first: Int!, $after: String) {
    conversations(first: $first, after: $after) {
      edges {
        node {
          ...ConversationListItem
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const messageFieldsFragment = graphql(`
  fragment MessageFields on Message {
    id
    conversationId
    role
    content
    status
    tokensUsed
    metadata
    createdAt
  }
`);

export const conversationQuery = graphql(`
  query Conversation($id: ID!, $last: Int!, $before: String) {
    conversation(id: $id) {
      ...ConversationListItem
      systemPrompt
      messages(last: $last, before: $before) {
        edges {
          node {
            ...MessageFields
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
        }
      }
    }
  }
`);

export const createConversationMutation = graphql(`
  mutation CreateConversation($input: CreateConversationInput!) {
    createConversation(input: $input) {
      ...ConversationListItem
    }
  }
`);

export const renameConversationMutation = graphql(`
  mutation RenameConversation($id: ID!, $title: String!) {
    updateConversation(id: $id, input: { title: $title }) {
      ...ConversationListItem
    }
  }
`);

export const deleteConversationMutation = graphql(`
  mutation DeleteConversation($id: ID!) {
    deleteConversation(id: $id)
  }
`);

export const generateReplySubscription = graphql(`
  subscription GenerateReply($conversationId: ID!, $content: String!) {
    generateReply(conversationId: $conversationId, content: $content) {
      __typename
      ... on ReplyStarted {
        assistantMessageId
        userMessage {
          ...MessageFields
        }
        conversation {
          ...ConversationListItem
        }
      }
      ... on ReplyDelta {
        assistantMessageId
        text
      }
      ... on ReplyCompleted {
        message {
          ...MessageFields
        }
      }
      ... on ReplyFailed {
        code
        error
        message {
          ...MessageFields
        }
      }
    }
  }
`);
