"""GraphQL documents and small steps shared by the chat tests."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.graphql import GraphQLClient

MESSAGE_FIELDS = "id conversationId role content status tokensUsed metadata createdAt"
CONVERSATION_FIELDS = "id title aiProvider aiModel systemPrompt createdAt updatedAt"

CREATE = f"""
mutation Create($input: CreateConversationInput!) {{
  createConversation(input: $input) {{ {CONVERSATION_FIELDS} }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateConversationInput!) {{
  updateConversation(id: $id, input: $input) {{ {CONVERSATION_FIELDS} }}
}}
"""
DELETE = "mutation Delete($id: ID!) { deleteConversation(id: $id) }"
SEND = f"""
mutation Send($id: ID!, $content: String!) {{
  sendMessage(conversationId: $id, content: $content) {{
    userMessage {{ {MESSAGE_FIELDS} }}
    assistantMessage {{ {MESSAGE_FIELDS} }}
  }}
}}
"""
CONVERSATION = f"""
query One($id: ID!, $last: Int! = 50, $before: String) {{
  conversation(id: $id) {{
    {CONVERSATION_FIELDS} messageCount
    lastMessage {{ id content }}
    messages(last: $last, before: $before) {{
      edges {{ cursor node {{ {MESSAGE_FIELDS} }} }}
      pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    }}
  }}
}}
"""
LIST = """
query List($first: Int! = 20, $after: String) {
  conversations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title updatedAt messageCount lastMessage { id content role } } }
  }
}
"""
GENERATE = """
subscription Generate($id: ID!, $content: String!) {
  generateReply(conversationId: $id, content: $content) {
    __typename
    ... on ReplyStarted {
      assistantMessageId
      userMessage { id content role status }
      conversation { id title updatedAt }
    }
    ... on ReplyDelta { assistantMessageId text }
    ... on ReplyCompleted { message { id content status tokensUsed metadata } }
    ... on ReplyFailed { code error message { id content status metadata } }
  }
}
"""


async def create_conversation(client: GraphQLClient, token: str, **fields: Any) -> dict[str, Any]:
    result = await client(CREATE, {"input": fields}, token=token)
    assert not result.errors, result.errors
    conversation: dict[str, Any] = result.data["createConversation"]
    return conversation


async def send(client: GraphQLClient, token: str, conversation_id: str, content: str) -> Any:
    return await client(SEND, {"id": conversation_id, "content": content}, token=token)


REPLY_EVENT_FIELDS = """
    __typename
    ... on ReplyStarted { seq assistantMessageId userMessage { id content } }
    ... on ReplyDelta { seq assistantMessageId text }
    ... on ReplyCompleted { seq message { id content status } }
    ... on ReplyFailed { seq code error message { id content status } }
"""
GENERATE_DURABLE = f"""
subscription Generate($id: ID!, $content: String!, $requestId: String) {{
  generateReply(conversationId: $id, content: $content, clientRequestId: $requestId) {{
    {REPLY_EVENT_FIELDS}
  }}
}}
"""
REPLY_EVENTS = f"""
subscription Follow($id: ID!, $after: Int) {{
  replyEvents(messageId: $id, after: $after) {{ {REPLY_EVENT_FIELDS} }}
}}
"""
STOP = "mutation Stop($id: ID!) { stopReply(messageId: $id) { id content status } }"


async def title_after(
    client: GraphQLClient, token: str, conversation_id: str, expected: str, tries: int = 200
) -> bool:
    """Whether the conversation's title becomes `expected` (a model's title comes in the
    background, after the reply)."""
    for _ in range(tries):
        result = await client(CONVERSATION, {"id": conversation_id}, token=token)
        if result.data["conversation"]["title"] == expected:
            return True
        await asyncio.sleep(0.05)
    return False
