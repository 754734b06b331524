import { RegisterDocument } from "@/gql/graphql";
import { registerSchema } from "@/lib/auth/schemas";
import { signInRoute } from "@/lib/auth/server";

// No limits passed: the API checks lengths against its own settings and names the field.
export const POST = signInRoute(registerSchema(), RegisterDocument);
