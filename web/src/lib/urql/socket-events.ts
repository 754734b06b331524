/**
 * The tab's socket closing (a dropped network, an API restart) and coming back. graphql-ws
 * reconnects and re-sends each subscription as it was first sent; a reply follower must
 * instead ask for what comes after the last event it saw, so it listens here and follows again
 * itself, and what the tab missed meanwhile (conversationEvents has no cursor) is fetched again.
 */
type Listener = () => void;

const closed = new Set<Listener>();
const reconnected = new Set<Listener>();

function listen(listeners: Set<Listener>, listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export const onSocketClosed = (listener: Listener) => listen(closed, listener);
export const onSocketReconnected = (listener: Listener) => listen(reconnected, listener);

export function notifySocketClosed(): void {
  for (const listener of [...closed]) listener();
}

export function notifySocketReconnected(): void {
  for (const listener of [...reconnected]) listener();
}
