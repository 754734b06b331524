"""`make seed-db`: demo users with sample conversations. Running it again changes nothing.

Every row has a fixed id (uuid5 of a name), and rows that exist are left alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from parley.ai import AIProvider
from parley.ai.token_estimates import estimate_tokens
from parley.auth.passwords import PasswordHasher
from parley.auth.tables import User
from parley.chat.tables import Conversation, Message, MessageRole, MessageStatus
from parley.db import create_engine, create_session_factory
from parley.settings import load_settings

_NAMESPACE = uuid.UUID("6f1c1a52-7d0e-4d6b-9a55-3b0d2f8f7c11")
DEMO_PASSWORD = "parley-demo-password"


@dataclass(frozen=True)
class Turn:
    """A question and its reply; `earlier` are older versions of the same turn."""

    question: str
    answer: str
    status: MessageStatus = MessageStatus.COMPLETE
    # Why a FAILED reply failed, as the API would say it.
    error: str | None = None
    # Replies regenerated over: siblings of `answer` under the same question, oldest first.
    earlier_answers: tuple[str, ...] = ()
    # Edited-over questions with their replies: siblings of this turn, oldest first.
    earlier_versions: tuple[Turn, ...] = ()


@dataclass(frozen=True)
class SeedConversation:
    title: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class SeedUser:
    email: str
    full_name: str
    conversations: tuple[SeedConversation, ...]


_RETRY_CODE = """\
Here is a small helper that retries with exponential backoff and jitter:

```python
import random
import time


def retry(call, attempts=5, base=0.2, cap=5.0):
    \"\"\"Call `call()` until it succeeds, sleeping longer after each failure.\"\"\"
    for attempt in range(attempts):
        try:
            return call()
        except ConnectionError:
            if attempt == attempts - 1:
                raise
            delay = min(cap, base * 2**attempt)
            time.sleep(random.uniform(0, delay))  # "full jitter"
```

- **Exponential**: the wait doubles, so a struggling server gets room to recover.
- **Jitter**: clients that failed together do not all retry at the same moment.
- **Cap**: no single wait grows without bound.
"""

_RETRY_TS = """\
The same idea with `async`/`await`:

```ts
export async function retry<T>(call: () => Promise<T>, attempts = 5, base = 200): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts - 1) throw error;
      const delay = Math.random() * Math.min(5_000, base * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
```

Only retry errors that can pass (timeouts, `429`, `503`); a `400` will fail the same way again.
"""

_PROVIDERS_TABLE = """\
| Provider | Setting | Models (examples) | Streams | Runs locally |
| --- | --- | --- | :---: | :---: |
| OpenAI | `OPENAI_API_KEY` | gpt-4o, gpt-4o-mini | yes | no |
| Anthropic | `ANTHROPIC_API_KEY` | claude-sonnet, claude-haiku | yes | no |
| Google Gemini | `GEMINI_API_KEY` | gemini-2.0-flash | yes | no |
| xAI | `XAI_API_KEY` | grok-2 | yes | no |
| Ollama | `OLLAMA_BASE_URL` | llama3.2, qwen2.5 | yes | **yes** |
| Demo | *(none)* | demo-1 | yes | **yes** |

The **Demo** provider needs nothing at all, which is why new chats start with it.
"""

_LISBON = (
    Turn(
        "I have four days in Lisbon in May. Where should I stay?",
        "Four days is a good length. For a first visit:\n\n"
        "- **Baixa / Chiado**: central, flat by Lisbon standards, close to everything.\n"
        "- **Alfama**: old, hilly, beautiful at night, a little further from the metro.\n"
        "- **Príncipe Real**: quieter, leafy, good restaurants.\n\n"
        "If you like walking and do not mind hills, Chiado is the easy choice.",
    ),
    Turn(
        "Chiado it is. What should day one look like?",
        "Keep the first day gentle:\n\n"
        "1. Morning: walk down Rua Augusta to **Praça do Comércio**.\n"
        "2. Lunch: a *bifana* (pork sandwich) at a counter in Baixa.\n"
        "3. Afternoon: tram 28 up to **Graça**, then walk down through Alfama.\n"
        "4. Sunset: Miradouro da Senhora do Monte.\n"
        "5. Dinner: back in Chiado.",
    ),
    Turn(
        "Is tram 28 worth the queue?",
        "Board it early (before 9:00) at **Martim Moniz**, where it starts, and you will "
        "usually get a seat. Later in the day the queue can be an hour; then walking the same "
        "route is just as good, and you can stop where you like.",
    ),
    Turn(
        "Day two?",
        "**Belém**: the Jerónimos Monastery, the tower, and *pastéis de Belém* still warm. "
        "Take tram 15 from Praça da Figueira. Book the monastery ahead; in May the queue is "
        "long. In the afternoon, MAAT (the art museum on the river) is a short walk away.",
    ),
    Turn(
        "And day three, something outside the city?",
        "**Sintra** by train from Rossio (about 40 minutes). Pick two sights at most:\n\n"
        "- Pena Palace (colourful, busy; take the first time slot)\n"
        "- Quinta da Regaleira (the initiation well)\n"
        "- Moorish Castle (walls and views)\n\n"
        "Wear good shoes: the paths between them are steep.",
    ),
    Turn(
        "Day four I want to relax.",
        "Then take the train along the coast to **Cascais** (about 40 minutes from Cais do "
        "Sodré), swim or walk to Boca do Inferno, and have grilled fish for lunch. Back in "
        "the evening for a last dinner in Bairro Alto.",
    ),
    Turn(
        "What should I eat while I am there?",
        "| Dish | What it is | Where |\n| --- | --- | --- |\n"
        "| Bacalhau à Brás | salt cod, egg, thin fries | any tasca |\n"
        "| Sardinhas assadas | grilled sardines | street stalls in June, tascas in May |\n"
        "| Polvo à lagareiro | octopus with olive oil | seafood places |\n"
        "| Pastel de nata | custard tart | everywhere; Manteigaria is a favourite |\n"
        "| Ginjinha | sour cherry liqueur | A Ginjinha, Rossio |",
    ),
    Turn(
        "Do I need cash?",
        "Cards work almost everywhere, including the metro ticket machines. Keep a little cash "
        "for small cafés and the ginjinha bars. Get a **Navegante** card at any metro station "
        "and top it up with *zapping* credit for trams, buses and the Sintra/Cascais trains.",
    ),
    Turn(
        "Any phrases I should learn?",
        "- *Bom dia* / *Boa tarde*: good morning / afternoon\n"
        "- *Obrigado* (said by a man) / *Obrigada* (by a woman): thank you\n"
        "- *A conta, por favor*: the bill, please\n"
        "- *Desculpe*: excuse me\n\n"
        "People will often switch to English, but a greeting in Portuguese is appreciated.",
    ),
    Turn(
        "Thanks! Can you put the plan in one short list?",
        "1. **Day 1**: Baixa, tram 28, Alfama, sunset at Senhora do Monte.\n"
        "2. **Day 2**: Belém, pastéis, MAAT.\n"
        "3. **Day 3**: Sintra (Pena + Regaleira).\n"
        "4. **Day 4**: Cascais by the sea, dinner in Bairro Alto.\n\n"
        "Boa viagem!",
    ),
)

_NAMING = (
    Turn(
        "We are building a small chat app. Suggest a name.",
        "A few ideas, from plain to playful:\n\n"
        "- **Parley**: a talk between two sides\n"
        "- **Confab**: an informal chat\n"
        "- **Tête-à-tête**: a private conversation",
    ),
    Turn(
        "Which one would you pick, and why?",
        "**Parley**: it is short, easy to spell, and means exactly what the app does: a "
        "conversation, originally between two sides that need to understand each other.",
        earlier_answers=(
            "I would pick **Confab**: it sounds friendly, but it is harder to spell and "
            "easy to confuse with *conference*.",
        ),
        earlier_versions=(
            Turn(
                "Which one sounds most serious?",
                "**Parley**: it has a formal history (negotiations under a flag of truce), "
                "while *Confab* and *Tête-à-tête* sound casual.",
            ),
        ),
    ),
)

_CAP_STOPPED = (
    "The CAP theorem says that when the network **partitions** (nodes cannot reach each "
    "other), a distributed store must choose between two guarantees:\n\n"
    "- **Consistency**: every read sees the latest write, or an error.\n"
    "- **Availability**: every request gets a non-error answer, possibly stale.\n\n"
    "In practice, **most systems choose availability and"
)

SEED_USERS = (
    SeedUser(
        "demo@parley.dev",
        "Demo User",
        (
            SeedConversation(
                "Welcome to Parley",
                (
                    Turn(
                        "What is Parley?",
                        "**Parley** is a template for AI chat products: a typed "
                        "GraphQL API and a Next.js app, with streaming replies.",
                    ),
                    Turn(
                        "How do I add a provider?",
                        "Set its key in `.env`, for example:\n\n"
                        "```sh\nOPENAI_API_KEY=sk-...\n```\n\nthen pick it in *New chat*.",
                    ),
                ),
            ),
            SeedConversation(
                "Markdown showcase",
                (
                    Turn(
                        "Show me a table",
                        "| Provider | Needs |\n| --- | --- |\n"
                        "| OpenAI | `OPENAI_API_KEY` |\n| Ollama | `OLLAMA_BASE_URL` |",
                    ),
                ),
            ),
            SeedConversation(
                "Retry with backoff",
                (
                    Turn("How do I retry a flaky network call in Python?", _RETRY_CODE),
                    Turn("And in TypeScript?", _RETRY_TS),
                ),
            ),
            SeedConversation(
                "Comparing the providers",
                (
                    Turn(
                        "Which AI providers can Parley use, and what does each need?",
                        _PROVIDERS_TABLE,
                    ),
                ),
            ),
            SeedConversation("Four days in Lisbon", _LISBON),
            SeedConversation("Naming the project", _NAMING),
            SeedConversation(
                "The CAP theorem",
                (Turn("Explain the CAP theorem briefly.", _CAP_STOPPED, MessageStatus.STOPPED),),
            ),
            SeedConversation(
                "Summarise a paper",
                (
                    Turn(
                        "Summarise “Attention Is All You Need” in three bullet points.",
                        "",
                        MessageStatus.FAILED,
                        error="The provider did not answer in time. Try again.",
                    ),
                ),
            ),
        ),
    ),
    SeedUser(
        "ada@parley.dev",
        "Ada Lovelace",
        (
            SeedConversation(
                "Notes on the engine",
                (Turn("Summarise note G", "It computes Bernoulli numbers."),),
            ),
        ),
    ),
)


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, "/".join(parts))


class _Seeder:
    """Inserts one conversation's messages, counting the rows that were new."""

    def __init__(self, db: AsyncSession, conversation_id: uuid.UUID, at: dt.datetime) -> None:
        self.db = db
        self.conversation_id = conversation_id
        self.at = at
        self.added = 0
        self._clock = 0

    async def message(
        self,
        message_id: uuid.UUID,
        parent_id: uuid.UUID | None,
        depth: int,
        role: MessageRole,
        content: str,
        status: MessageStatus = MessageStatus.COMPLETE,
        error: str | None = None,
        prompt: str = "",
    ) -> uuid.UUID:
        # Seconds apart in insertion order: siblings sort oldest first, as versions do.
        self._clock += 1
        generation = {}
        if role is MessageRole.ASSISTANT:
            generation = {
                "provider": AIProvider.DEMO,
                "model": "demo-1",
                "attempts": 1,
                "error": error,
            }
            # A reply that failed before any text has no usage to report.
            if content:
                generation |= {
                    "prompt_tokens": estimate_tokens(prompt),
                    "completion_tokens": estimate_tokens(content),
                    "latency_ms": 400 + 9 * len(content),
                }
            if status is MessageStatus.COMPLETE:
                generation["finish_reason"] = "stop"
        result = await self.db.execute(
            insert(Message)
            .values(
                id=message_id,
                conversation_id=self.conversation_id,
                parent_id=parent_id,
                depth=depth,
                role=role,
                content=content,
                status=status,
                created_at=self.at + dt.timedelta(seconds=self._clock),
                **generation,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
        self.added += result.rowcount or 0  # type: ignore[attr-defined]
        return message_id

    async def turn(
        self, turn: Turn, key: tuple[str, ...], parent_id: uuid.UUID | None, depth: int, prompt: str
    ) -> uuid.UUID:
        """The turn's question and its replies (earlier ones first); returns the current reply."""
        question_id = await self.message(
            _id(*key, MessageRole.USER.value), parent_id, depth, MessageRole.USER, turn.question
        )
        prompt = f"{prompt}\n{turn.question}"
        for index, earlier in enumerate(turn.earlier_answers):
            await self.message(
                _id(*key, MessageRole.ASSISTANT.value, "earlier", str(index)),
                question_id,
                depth + 1,
                MessageRole.ASSISTANT,
                earlier,
                prompt=prompt,
            )
        return await self.message(
            _id(*key, MessageRole.ASSISTANT.value),
            question_id,
            depth + 1,
            MessageRole.ASSISTANT,
            turn.answer,
            turn.status,
            turn.error,
            prompt,
        )


async def seed(db: AsyncSession, hasher: PasswordHasher) -> int:
    """Insert what is missing; return how many rows were added."""
    added = 0
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for seed_user in SEED_USERS:
        user_id = _id(seed_user.email)
        if await db.get(User, user_id) is None:
            db.add(
                User(
                    id=user_id,
                    email=seed_user.email,
                    full_name=seed_user.full_name,
                    hashed_password=await hasher.hash(DEMO_PASSWORD),
                )
            )
            await db.flush()
            added += 1
        for c_index, conversation in enumerate(seed_user.conversations):
            title = conversation.title
            conversation_id = _id(seed_user.email, title)
            at = start + dt.timedelta(days=c_index)
            result = await db.execute(
                insert(Conversation)
                .values(
                    id=conversation_id,
                    user_id=user_id,
                    title=title,
                    ai_provider=AIProvider.DEMO,
                    ai_model="demo-1",
                    created_at=at,
                    updated_at=at,
                )
                .on_conflict_do_nothing(index_elements=["id"])
            )
            added += result.rowcount or 0  # type: ignore[attr-defined]
            # The messages form a tree: each turn follows the current reply of the one
            # before it, and earlier versions of a turn are its siblings (branches).
            seeder = _Seeder(db, conversation_id, at)
            parent_id: uuid.UUID | None = None
            prompt = ""
            for m_index, turn in enumerate(conversation.turns):
                depth = 2 * m_index + 1
                for v_index, version in enumerate(turn.earlier_versions):
                    await seeder.turn(
                        version,
                        (seed_user.email, title, str(m_index), "version", str(v_index)),
                        parent_id,
                        depth,
                        prompt,
                    )
                parent_id = await seeder.turn(
                    turn, (seed_user.email, title, str(m_index)), parent_id, depth, prompt
                )
                prompt = f"{prompt}\n{turn.question}\n{turn.answer}"
            added += seeder.added
            await db.execute(
                update(Conversation)
                .where(
                    Conversation.id == conversation_id, Conversation.current_message_id.is_(None)
                )
                # Keeps the seeded time (the column's onupdate would set now).
                .values(current_message_id=parent_id, updated_at=Conversation.updated_at)
            )
    await db.commit()
    return added


async def main() -> None:
    settings = load_settings()
    engine = create_engine(settings.async_database_url)
    try:
        async with create_session_factory(engine)() as db:
            added = await seed(db, PasswordHasher(settings.bcrypt_rounds))
    finally:
        await engine.dispose()
    emails = ", ".join(u.email for u in SEED_USERS)
    print(f"seeded {added} rows; sign in as {emails} with password {DEMO_PASSWORD!r}")


if __name__ == "__main__":
    asyncio.run(main())
