"""Conversations as documents: Markdown of the branch shown, JSON of the whole tree."""

from __future__ import annotations

import json
from collections.abc import Sequence

from parley.chat.forks import UNTITLED
from parley.chat.tables import Conversation, Message, MessageRole


def as_markdown(conversation: Conversation, branch: Sequence[Message]) -> str:
    lines = [f"# {conversation.title or UNTITLED}", ""]
    lines.append(f"*{conversation.ai_provider.display_name} · {conversation.ai_model}*")
    lines.append("")
    if conversation.system_prompt:
        lines += ["**System**", "", conversation.system_prompt, ""]
    for message in branch:
        if message.role is MessageRole.USER:
            lines.append("**You**")
        else:
            lines.append(f"**Assistant** ({message.model or conversation.ai_model})")
        lines += ["", message.content, ""]
    return "\n".join(lines).rstrip() + "\n"


def _time(message: Message) -> str:
    return message.created_at.isoformat()


def _generation(message: Message) -> dict[str, object] | None:
    if message.role is not MessageRole.ASSISTANT:
        return None
    return {
        "provider": message.provider.value if message.provider else None,
        "model": message.model,
        "promptTokens": message.prompt_tokens,
        "completionTokens": message.completion_tokens,
        "usageEstimated": bool(message.usage_estimated),
        "latencyMs": message.latency_ms,
        "timeToFirstTokenMs": message.ttft_ms,
        "finishReason": message.finish_reason,
        "attempts": message.attempts,
        "fallbackFrom": message.fallback_from.value if message.fallback_from else None,
        "error": message.error,
    }


def as_json(conversation: Conversation, messages: Sequence[Message]) -> str:
    """Every message with its parent, in the order written; currentMessageId names the
    branch shown."""
    document = {
        "id": str(conversation.id),
        "title": conversation.title or UNTITLED,
        "aiProvider": conversation.ai_provider.value,
        "aiModel": conversation.ai_model,
        "systemPrompt": conversation.system_prompt,
        "createdAt": conversation.created_at.isoformat(),
        "updatedAt": conversation.updated_at.isoformat(),
        "currentMessageId": (
            str(conversation.current_message_id) if conversation.current_message_id else None
        ),
        "messages": [
            {
                "id": str(m.id),
                "parentId": str(m.parent_id) if m.parent_id else None,
                "role": m.role.value,
                "content": m.content,
                "status": m.status.value,
                "createdAt": _time(m),
                "generation": _generation(m),
            }
            for m in messages
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
