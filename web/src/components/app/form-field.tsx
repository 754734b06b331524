import type { ReactNode } from "react";
import { Label } from "@/components/ui/label";

/** What a field's control needs to be named, described and marked invalid: spread it on. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/**
 * Every form's field: a label, the control (an input, select or textarea: `children` renders
 * it with the props to spread), then an optional description and the error. Both are tied to
 * the control by aria-describedby, so a screen reader reads them with it, and an error also
 * sets aria-invalid.
 */
export function FormField({
  id,
  label,
  description,
  error,
  children,
}: {
  id: string;
  label: string;
  description?: ReactNode;
  error?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const descriptionId = description ? `${id}-description` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [descriptionId, errorId].filter(Boolean).join(" ");
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy || undefined,
      })}
      {description && (
        <p id={descriptionId} className="text-sm text-muted-foreground">
          {description}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
