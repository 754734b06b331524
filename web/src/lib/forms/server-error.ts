import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

export interface ServerError {
  message: string;
  /** The API's name for the argument at fault (`extensions.field`), when it gave one. */
  field?: string;
}

/**
 * Shows an API error on the field it names, focused, else above the form. `fields` maps the
 * API's argument names to the form's own.
 */
export function showServerError<T extends FieldValues>(
  setError: UseFormSetError<T>,
  fields: Partial<Record<string, Path<T>>>,
  error: ServerError,
): void {
  const field = error.field === undefined ? undefined : fields[error.field];
  if (field) setError(field, { message: error.message }, { shouldFocus: true });
  else setError("root.server", { message: error.message });
}
