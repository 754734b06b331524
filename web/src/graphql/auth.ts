import { graphql } from "@/gql";

/** Fields the web app keeps about the signed-in user. */
export const userFieldsFragment = graphql(`
  fragment UserFields on User {
    id
    email
    fullName
  }
`);

/** Shared by the auth route handlers: every auth mutation answers an AuthPayload. */
export const authPayloadFieldsFragment = graphql(`
  fragment AuthPayloadFields on AuthPayload {
    accessToken
    refreshToken
    expiresIn
    user {
      ...UserFields
    }
  }
`);

export const loginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      ...AuthPayloadFields
    }
  }
`);

export const registerMutation = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      ...AuthPayloadFields
    }
  }
`);

export const refreshTokenMutation = graphql(`
  mutation RefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      ...AuthPayloadFields
    }
  }
`);

export const logoutMutation = graphql(`
  mutation Logout($refreshToken: String) {
    logout(refreshToken: $refreshToken)
  }
`);

export const meQuery = graphql(`
  query Me {
    me {
      ...UserFields
    }
  }
`);
