import { LoginDocument } from "@/gql/graphql";
import { loginSchema } from "@/lib/auth/schemas";
import { signInRoute } from "@/lib/auth/server";

export const POST = signInRoute(loginSchema, LoginDocument);
