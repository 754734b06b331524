"""Documents and steps shared by the conversation-tree tests."""

from __future__ import annotations

from typing import Any

from tests.chat.documents import REPLY_EVENT_FIELDS
from tests.chat.reply_streams import events_until_final
from tests.support.graphql import GraphQLClient, Socket

TREE_FIELDS = "id parentId role content status siblingIds siblingIndex"
EDIT = f"""
subscription Edit($id: ID!, $content: String!, $parentId: ID) {{
  generateReply(conversationId: $id, content: $content, parentId: $parentId) {{
    {REPLY_EVENT_FIELDS}
  }}
}}
"""
REGENERATE = f"""
subscription Regenerate($id: ID!, $requestId: String) {{
  regenerateReply(messageId: $id, clientRequestId: $requestId) {{ {REPLY_EVENT_FIELDS} }}
}}
"""
TREE = f"""
query Tree($id: ID!, $last: Int! = 50, $before: String) {{
  conversation(id: $id) {{
    id title currentMessageId messageCount lastMessage {{ id }}
    messages(last: $last, before: $before) {{
      edges {{ node {{ {TREE_FIELDS} }} }}
      pageInfo {{ hasPreviousPage startCursor }}
    }}
  }}
}}
"""
SELECT = """
mutation Select($id: ID!) {
  selectBranch(messageId: $id) { id currentMessageId messageCount lastMessage { id } }
}
"""
FORK = """
mutation Fork($id: ID!) {
  forkConversation(messageId: $id) {
    id title aiProvider aiModel systemPrompt currentMessageId messageCount
  }
}
"""
EXPORT = """
query Export($id: ID!, $format: ExportFormat!) { exportConversation(id: $id, format: $format) }
"""


async def turn(
    socket: Socket, conversation_id: str, content: str, parent_id: str | None = None
) -> tuple[str, str]:
    """One generateReply to its end: (user message id, reply id)."""
    variables: dict[str, Any] = {"id": conversation_id, "content": content}
    if parent_id is not None:
        variables["parentId"] = parent_id
    op = await socket.subscribe(EDIT, variables)
    events = await events_until_final(socket, op)
    assert events[-1]["__typename"] == "ReplyCompleted", events[-1]
    return events[0]["userMessage"]["id"], events[-1]["message"]["id"]


async def regenerate(socket: Socket, reply_id: str) -> list[dict[str, Any]]:
    op = await socket.subscribe(REGENERATE, {"id": reply_id})
    return await events_until_final(socket, op)


async def tree(client: GraphQLClient, token: str, conversation_id: str) -> dict[str, Any]:
    result = await client(TREE, {"id": conversation_id}, token=token)
    assert not result.errors, result.errors
    conversation: dict[str, Any] = result.data["conversation"]
    return conversation


def shown(conversation: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in conversation["messages"]["edges"]]
