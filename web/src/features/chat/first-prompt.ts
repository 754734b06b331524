/**
 * The first message of a chat started on the type-first page: the page creates the
 * conversation, leaves the message here and opens the chat, whose view sends it (and so
 * follows, retries and stops it like any other). Taken once.
 */
const prompts = new Map<string, string>();

export function handOffFirstPrompt(conversationId: string, content: string): void {
  prompts.set(conversationId, content);
}

export function takeFirstPrompt(conversationId: string): string | null {
  const content = prompts.get(conversationId) ?? null;
  prompts.delete(conversationId);
  return content;
}
