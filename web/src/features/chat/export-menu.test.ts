import { describe, expect, it } from "vitest";
import { exportFileName } from "./export-menu";

describe("exportFileName", () => {
  it("makes a safe file name of the title, with the format's extension", () => {
    expect(exportFileName("Trip to Zürich: plans & costs!", "MARKDOWN")).toBe(
      "trip-to-zurich-plans-costs.md",
    );
    expect(exportFileName("Trip", "JSON")).toBe("trip.json");
  });

  it("never gives an empty or path-like name", () => {
    expect(exportFileName("???", "MARKDOWN")).toBe("conversation.md");
    expect(exportFileName("../../etc/passwd", "JSON")).toBe("etc-passwd.json");
  });

  it("keeps long titles short", () => {
    const name = exportFileName("word ".repeat(40), "MARKDOWN");
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9-]+[a-z0-9]\.md$/);
  });
});
