import { z } from "zod";

// Zod 4 compiles fast object parsers with `new Function` when it may. The page's CSP
// forbids eval, so Zod's probe for it would be refused and reported on every page that
// validates a form: use the interpreter, which is fast enough for forms.
z.config({ jitless: true });

export { z };
