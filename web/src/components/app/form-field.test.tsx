import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { FormField } from "./form-field";

describe("FormField", () => {
  it("names the control by its label and describes it by its description and error", () => {
    render(
      <FormField id="prompt" label="System prompt" description="Optional." error="Too long.">
        {(props) => <Textarea {...props} />}
      </FormField>,
    );
    const control = screen.getByRole("textbox", { name: "System prompt" });
    expect(control).toHaveAttribute("aria-invalid", "true");
    expect(control).toHaveAccessibleDescription("Optional. Too long.");
  });

  it("is neither invalid nor described when there is nothing to say", () => {
    render(
      <FormField id="email" label="Email">
        {(props) => <Input {...props} />}
      </FormField>,
    );
    const control = screen.getByRole("textbox", { name: "Email" });
    expect(control).not.toHaveAttribute("aria-invalid");
    expect(control).not.toHaveAttribute("aria-describedby");
  });
});
