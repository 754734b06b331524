import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { gql, newUser, retargetApi } from "./helpers";

const API_PORT = Number(process.env.E2E_API_PORT || 8200);
/** The third API process (e2e/servers/api.sh --insights): a token budget, provider fallback. */
export const API3_PORT = Number(process.env.E2E_API3_PORT || API_PORT + 4);
export const API3_URL = `http://127.0.0.1:${API3_PORT}/graphql`;

/** Points the page's app at the third API process (see retargetApi). */
export async function useInsightsApi(page: Page) {
  await retargetApi(page, API3_PORT);
}

/** A user registered through the API, with a token for seeding. */
export async function apiUser(request: APIRequestContext) {
  const user = newUser();
  const { register } = await gql<{ register: { accessToken: string } }>(
    request,
    "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
    { i: user },
  );
  return { user, token: register.accessToken };
}

export async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
}

export async function createConversation(
  request: APIRequestContext,
  token: string,
  title: string,
  provider: string,
) {
  const data = await gql<{ createConversation: { id: string } }>(
    request,
    "mutation($t: String!, $p: AIProvider!) { createConversation(input: { title: $t, aiProvider: $p }) { id } }",
    { t: title, p: provider },
    token,
  );
  return data.createConversation.id;
}

/** One turn, answered before it returns (the reply is stored by then). */
export async function sendMessage(
  request: APIRequestContext,
  token: string,
  conversationId: string,
  content: string,
) {
  await gql(
    request,
    "mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { userMessage { id } } }",
    { c: conversationId, t: content },
    token,
  );
}
